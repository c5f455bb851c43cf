// Attempt pages: save an answer as soon as it changes, and count the time down.
// The page works without this script: every button saves through the form.
(function () {
  "use strict";
  var form = document.querySelector("form[data-autosave]");
  if (form) {
    var status = form.querySelector(".autosave-status");
    // Not form.action: the buttons named "action" shadow that property.
    var target = form.getAttribute("action");
    var timer = null;
    var save = function () {
      var data = new FormData(form);
      data.delete("action");
      fetch(target, {
        method: "POST",
        body: data,
        headers: { "Accept": "application/json", "X-CSRFToken": data.get("csrf_token") },
        credentials: "same-origin"
      }).then(function (response) {
        return response.json().then(function (body) {
          if (response.ok) {
            status.textContent = "Answer saved.";
          } else {
            status.textContent = (body.error && body.error.message) || "Not saved.";
          }
        });
      }).catch(function () {
        status.textContent = "Not saved: check your connection. Your answer will be saved when you continue.";
      });
    };
    var later = function () {
      clearTimeout(timer);
      timer = setTimeout(save, 600);
    };
    form.addEventListener("change", later);
    form.addEventListener("input", later);
  }
  var countdown = document.querySelector("time.countdown");
  if (countdown) {
    var deadline = Date.parse(countdown.getAttribute("datetime"));
    var tick = function () {
      var left = Math.max(0, Math.floor((deadline - Date.now()) / 1000));
      var minutes = Math.floor(left / 60);
      var seconds = left % 60;
      countdown.textContent = minutes + ":" + (seconds < 10 ? "0" : "") + seconds;
      if (left > 0) {
        setTimeout(tick, 1000);
      }
    };
    tick();
  }
})();
