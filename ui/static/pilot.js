// Pilot pages: the countdown to a batch's application deadline.
(function () {
  "use strict";
  function tick(el) {
    var left = Date.parse(el.dataset.deadline) - Date.now();
    if (isNaN(left)) { return; }
    if (left <= 0) { el.textContent = el.dataset.over; return; }
    var m = Math.floor(left / 60000), d = Math.floor(m / 1440), h = Math.floor((m % 1440) / 60);
    el.textContent = d + " " + el.dataset.days + " " + h + " " + el.dataset.hours + " " + (m % 60) + " " + el.dataset.minutes;
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".pp-countdown[data-deadline]").forEach(function (el) {
      tick(el);
      setInterval(function () { tick(el); }, 30000);
    });
  });
})();
