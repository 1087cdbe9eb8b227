  // End of the closure opened in ticket-form/head.js.
})();
