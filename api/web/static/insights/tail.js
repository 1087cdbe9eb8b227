  // End of the closure opened in insights/head.js.
})();
