// Lesson pages: report reading time while the learner is here and active, so seat time
// counts only real reading. The server credits each report with the time since the last
// one (capped), by its own clock; this script only decides when to report.
// Without it, the server counts the time between page views instead (capped too).
(function () {
  "use strict";
  var form = document.querySelector("form[data-heartbeat]");
  if (!form || !window.fetch) {
    return;
  }
  var url = form.getAttribute("data-heartbeat");
  var interval = Number(form.getAttribute("data-heartbeat-seconds")) * 1000;
  var idleAfter = Number(form.getAttribute("data-idle-minutes")) * 60000;
  var token = form.querySelector("input[name=csrf_token]").value;
  var lastActivity = Date.now();
  var away = false; // hidden or idle: the clock is stopped until the learner is back

  var send = function (restart, beacon) {
    var data = new FormData();
    data.append("csrf_token", token);
    if (restart) {
      data.append("restart", "1");
    }
    if (beacon && navigator.sendBeacon) {
      navigator.sendBeacon(url, data);
      return;
    }
    fetch(url, {
      method: "POST",
      body: data,
      headers: { "Accept": "application/json", "X-CSRFToken": token },
      credentials: "same-origin",
      keepalive: true
    }).catch(function () {});
  };

  var onActivity = function () {
    lastActivity = Date.now();
    if (away && document.visibilityState === "visible") {
      away = false;
      send(true); // back: start the clock again, the time away earns nothing
    }
  };
  ["keydown", "mousedown", "mousemove", "wheel", "scroll", "touchstart"].forEach(function (name) {
    window.addEventListener(name, onActivity, { passive: true });
  });

  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") {
      if (!away) {
        send(false, true); // leaving or switching tabs: report the time up to now
        away = true;
      }
    } else {
      onActivity();
    }
  });

  setInterval(function () {
    if (away) {
      return;
    }
    if (Date.now() - lastActivity >= idleAfter) {
      away = true; // idle: stop reporting; the last interval is not claimed
      return;
    }
    send(false);
  }, interval);

  send(true);
})();
