/* The kiosk's service worker (issue 9): the touch screen keeps working when the hall's
   network drops. Served by guanwu.portal.kiosk.views.service_worker at /kiosk/sw.js, which
   fills in CONFIG (the shell to save, the cache version).

   - install: save the shell (home, the case kinds, the offline screens, CSS/JS) and the
     category screens;
   - kiosk screens: network first, so content is fresh while online; each screen shown is
     saved, and served from the cache when the network is down (marked so the page shows its
     offline banner); a screen never seen gives the offline screen;
   - static files: cache first (their names carry a hash of their content);
   - forms: never saved, never replayed. A submission that cannot reach the server gives the
     offline screen that says so; nothing is queued to be sent later.
   - activate: caches of earlier versions are deleted. */
"use strict";

var CONFIG = {{ config|safe }};
var PREFIX = "guanwu-kiosk-";
var SHELL = PREFIX + "shell-" + CONFIG.version;
var PAGES = PREFIX + "pages-v" + CONFIG.pagesVersion;
// A screen slower than this while a saved copy exists: show the copy (a half-dead network).
var NETWORK_WAIT_MS = 6000;
var ITEM_PATH = /\/item\/\d+\/$/;

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(SHELL).then(function (shell) {
      return shell.addAll(CONFIG.shell.map(function (url) {
        return new Request(url, { cache: "reload", credentials: "same-origin" });
      }));
    }).then(function () {
      // The category screens: best effort, one missing does not stop the install.
      return caches.open(PAGES).then(function (pages) {
        return Promise.all(CONFIG.pages.map(function (url) {
          return fetch(url, { cache: "reload", credentials: "same-origin" }).then(function (response) {
            if (savable(response)) {
              return pages.put(url, response);
            }
          }).catch(function () {});
        }));
      });
    }).then(function () {
      return self.skipWaiting();
    })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.map(function (name) {
        if (name.indexOf(PREFIX) === 0 && name !== SHELL && name !== PAGES) {
          return caches.delete(name);
        }
      }));
    }).then(function () {
      return self.clients.claim();
    })
  );
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) {
    return;
  }
  if (request.method !== "GET") {
    if (request.mode === "navigate") {
      // Sent once, as the visitor asked; on failure say so. Never stored, never retried.
      event.respondWith(fetch(request).catch(function () {
        return offlineScreen("submit");
      }));
    }
    return;
  }
  if (url.pathname.indexOf(CONFIG.staticUrl) === 0) {
    event.respondWith(cacheFirst(request));
    return;
  }
  if (url.pathname.indexOf(CONFIG.scope) !== 0 || CONFIG.noSave.indexOf(url.pathname) !== -1) {
    return;
  }
  if (isForm(url)) {
    // A form carries a CSRF token for this moment and this visitor: never saved.
    if (request.mode === "navigate") {
      event.respondWith(fetch(request).catch(function () {
        return offlineScreen("submit");
      }));
    }
    return;
  }
  event.respondWith(networkFirst(event, request));
});

function isForm(url) {
  // /kiosk/cases/<kind>/: the intake forms (the list of kinds itself may be saved).
  return url.pathname.indexOf(CONFIG.formPrefix) === 0 && url.pathname !== CONFIG.formPrefix;
}

function savable(response) {
  return response && response.status === 200 && response.type === "basic";
}

function cacheFirst(request) {
  return caches.match(request).then(function (cached) {
    if (cached) {
      return cached;
    }
    return fetch(request).then(function (response) {
      if (savable(response)) {
        var copy = response.clone();
        caches.open(SHELL).then(function (shell) {
          return shell.put(request, copy);
        });
      }
      return response;
    });
  });
}

function networkFirst(event, request) {
  var network = fetch(request).then(function (response) {
    if (savable(response)) {
      var copy = response.clone();
      event.waitUntil(save(request, copy));
    }
    return response;
  });
  var slow = new Promise(function (resolve) {
    setTimeout(function () {
      saved(request).then(function (cached) {
        if (cached) {
          resolve(markFromCache(cached));
        }
      });
    }, NETWORK_WAIT_MS);
  });
  var fallback = network.catch(function () {
    return saved(request).then(function (cached) {
      if (cached) {
        return markFromCache(cached);
      }
      if (request.mode === "navigate") {
        return offlineScreen("page");
      }
      return Response.error();
    });
  });
  return Promise.race([fallback, slow]);
}

function save(request, response) {
  return caches.open(PAGES).then(function (pages) {
    return pages.put(request, response).then(function () {
      return pages.keys();
    }).then(function (keys) {
      // Oldest first: drop what is over the limit.
      var extra = keys.length - CONFIG.pagesKept;
      var drops = [];
      for (var i = 0; i < extra; i += 1) {
        drops.push(pages.delete(keys[i]));
      }
      return Promise.all(drops);
    });
  });
}

function saved(request) {
  // The newest copy first (pages seen), then the copy saved at install.
  return caches.open(PAGES).then(function (pages) {
    return pages.match(request).then(function (hit) {
      if (hit || !ITEM_PATH.test(new URL(request.url).pathname)) {
        return hit;
      }
      // An item reached from another screen carries ?from=: the same item either way.
      return pages.match(request, { ignoreSearch: true });
    });
  }).then(function (hit) {
    if (hit) {
      return hit;
    }
    return caches.open(SHELL).then(function (shell) {
      return shell.match(request);
    });
  });
}

function offlineScreen(reason) {
  return caches.open(SHELL).then(function (shell) {
    return shell.match(CONFIG.offline[reason] || CONFIG.offline.page);
  }).then(function (cached) {
    if (cached) {
      return markFromCache(cached);
    }
    return Response.error();
  });
}

function markFromCache(response) {
  // The page shows its offline banner when <body> says it came from here.
  return response.text().then(function (html) {
    var marked = html.replace("<body ", "<body data-served-from-cache=\"true\" ");
    return new Response(marked, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers
    });
  });
}
