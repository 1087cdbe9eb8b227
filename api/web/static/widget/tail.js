  // End of the closure opened in widget/head.js.
})();
