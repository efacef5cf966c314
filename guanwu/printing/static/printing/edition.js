/* The edition page while an edition is queued or being built: asks the status endpoint every
   2 seconds, shows the progress and reloads the page once the build has finished (the page
   then offers the PDF or says why it failed). Without JavaScript the page has a "刷新" link.
   No inline script: the URL comes from data-edition-status-url. */
(function () {
  "use strict";
  var INTERVAL = 2000;
  var MAX_FAILURES = 5;
  var box = document.querySelector("[data-edition-status-url]");
  if (!box || !window.fetch) {
    return;
  }
  var url = box.getAttribute("data-edition-status-url");
  var bar = box.querySelector("[data-edition-bar]");
  var state = box.querySelector("[data-edition-state]");
  var percent = box.querySelector("[data-edition-percent]");
  var message = box.querySelector("[data-edition-message]");
  var refresh = box.querySelector("[data-edition-refresh]");
  var failures = 0;

  function show(data) {
    if (bar) {
      bar.value = data.progress;
      bar.textContent = data.progress + "%";
    }
    if (state) {
      state.textContent = data.state_label;
    }
    if (percent) {
      percent.textContent = data.progress + "%";
    }
    if (message) {
      message.textContent = data.message;
    }
  }

  function poll() {
    fetch(url, {
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-Requested-With": "XMLHttpRequest" },
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      })
      .then(function (data) {
        failures = 0;
        show(data);
        if (data.finished) {
          window.location.reload();
          return;
        }
        window.setTimeout(poll, INTERVAL);
      })
      .catch(function () {
        // Offline or logged out: after a few tries leave it to the "刷新" link.
        failures += 1;
        if (refresh) {
          refresh.hidden = false;
        }
        if (failures < MAX_FAILURES) {
          window.setTimeout(poll, INTERVAL * failures);
        }
      });
  }

  if (refresh) {
    refresh.hidden = true;
  }
  window.setTimeout(poll, INTERVAL);
})();
