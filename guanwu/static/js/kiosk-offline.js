/* The kiosk without a network (issue 9): registers the service worker (/kiosk/sw.js, from
   <body data-sw-url>), shows the offline banner while the network is down or when this
   screen came from the worker's cache, and stops a form from being submitted offline: a
   submission is never queued or replayed later, the visitor is told to try again online.
   No inline scripts; the texts are in the page (translated by Django). */
(function () {
  "use strict";
  var body = document.body;
  var banner = document.getElementById("k-offline");
  var fromCache = body.getAttribute("data-served-from-cache") === "true";

  function update() {
    if (banner) {
      banner.hidden = navigator.onLine && !fromCache;
    }
  }

  window.addEventListener("offline", update);
  window.addEventListener("online", function () {
    // Back online: the next screen comes from the server again.
    fromCache = false;
    update();
    Array.prototype.forEach.call(document.querySelectorAll("[data-offline-message]"), function (el) {
      el.hidden = true;
    });
  });
  window.addEventListener("pageshow", update);
  update();

  document.addEventListener("submit", function (event) {
    if (navigator.onLine) {
      return;
    }
    event.preventDefault();
    var form = event.target;
    var message = form.querySelector ? form.querySelector("[data-offline-message]") : null;
    if (message) {
      message.hidden = false;
      message.scrollIntoView({ block: "center" });
    }
    if (banner) {
      banner.hidden = false;
    }
  }, true);

  var workerUrl = body.getAttribute("data-sw-url");
  if (workerUrl && "serviceWorker" in navigator) {
    var scope = body.getAttribute("data-home-url") || "/kiosk/";
    navigator.serviceWorker.register(workerUrl, { scope: scope }).catch(function () {
      // No worker (an insecure origin, a private window): the kiosk works online as before.
    });
  }
})();
