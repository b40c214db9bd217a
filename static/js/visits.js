// 浏览次数: tell the site this article was opened and show its current count.
// The page itself may come from a cache; the number in it is the count when the
// page was built, and stays if this request fails or scripts are off.
(function () {
  "use strict";
  var counter = document.querySelector("[data-visit-url]");
  if (!counter || !window.fetch) {
    return;
  }
  // No cookies go with it and none come back (credentials: "omit").
  fetch(counter.getAttribute("data-visit-url"), {
    method: "POST",
    credentials: "omit",
    keepalive: true,
  })
    .then(function (response) {
      return response.ok ? response.json() : null;
    })
    .then(function (data) {
      if (data && typeof data.count === "number") {
        counter.textContent = String(data.count);
      }
    })
    .catch(function () {});
})();
