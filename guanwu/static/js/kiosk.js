/* The kiosk's behaviour: back to the home screen when nobody has touched it for a while.
   The delay comes from the admin's kiosk settings, in <body data-idle-seconds>. No inline
   scripts, nothing loaded from elsewhere. */
(function () {
  "use strict";
  var MIN_SECONDS = 10;
  var body = document.body;
  var seconds = parseInt(body.getAttribute("data-idle-seconds"), 10);
  if (!(seconds >= MIN_SECONDS)) {
    seconds = 90;
  }
  var homeUrl = body.getAttribute("data-home-url") || "/kiosk/";
  var isHome = body.getAttribute("data-is-home") === "true";
  var timer = null;

  function idle() {
    if (isHome) {
      // Already home: start the next visitor at the top of the screen.
      window.scrollTo(0, 0);
      if (document.activeElement && document.activeElement.blur) {
        document.activeElement.blur();
      }
      restart();
      return;
    }
    window.location.replace(homeUrl);
  }

  function restart() {
    window.clearTimeout(timer);
    timer = window.setTimeout(idle, seconds * 1000);
  }

  ["pointerdown", "touchstart", "keydown", "scroll", "wheel", "input"].forEach(function (name) {
    // Capturing on the document also sees scrolling inside elements (scroll does not bubble).
    document.addEventListener(name, restart, { capture: true, passive: true });
  });
  // Coming back to a page from the browser's cache starts the countdown afresh.
  window.addEventListener("pageshow", restart);
  restart();

  // A long press on a touch screen opens the browser's menu, a way out of the kiosk.
  document.addEventListener("contextmenu", function (event) {
    event.preventDefault();
  });
})();
