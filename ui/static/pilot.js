// Pilot pages: the countdown to a batch's application deadline.
(function () {
  "use strict";
  function tick(el) {
    var left = Date.parse(el.dataset.deadline) - Date.now();
    if (isNaN(left)) { return; }
    if (left <= 0) { el.textContent = el.dataset.over; return; }
    var m = Math.floor(left / 60000), d = Math.floor(m / 1440), h = Math.floor((m % 1440) / 60);
    // Leading zero units are left out: "29 分钟后截止", not "0 天 0 小时 29 分钟后截止".
    var parts = [];
    if (d > 0) { parts.push(d + " " + el.dataset.days); }
    if (d > 0 || h > 0) { parts.push(h + " " + el.dataset.hours); }
    parts.push((m % 60) + " " + el.dataset.minutes);
    el.textContent = parts.join(" ");
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".pp-countdown[data-deadline]").forEach(function (el) {
      tick(el);
      setInterval(function () { tick(el); }, 30000);
    });
  });
})();
