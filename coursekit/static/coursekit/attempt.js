// Attempt pages: count the time down, say the time left at a few moments, and save an
// answer as soon as it changes. The pages work without this script: the timer shows the
// minutes left when the page was sent, and every button saves through the form.
(function () {
  "use strict";
  var extendDeadline = function () {};  // set below when the attempt has a time limit
  var box = document.querySelector("[data-deadline-source]");
  if (box) {
    var countdown = box.querySelector("time.countdown");
    var ends = box.querySelector("time.ends");
    var status = box.querySelector(".timer-status");
    var source = box.getAttribute("data-deadline-source");
    var deadline = Date.parse(countdown.getAttribute("datetime"));
    // Minutes left at which the live region speaks; 0 is "time is up". The ticking
    // countdown itself is aria-live off: a screen reader hears only these.
    var moments = [10, 5, 1, 0];
    var said = {};
    var running = false;
    var secondsLeft = function () {
      return Math.max(0, Math.floor((deadline - Date.now()) / 1000));
    };
    var minutes = function (count) {
      return count + (count === 1 ? " minute" : " minutes");
    };
    // Moments already behind us are not announced: the page shows the time left.
    var forget = function () {
      moments.forEach(function (moment) {
        said[moment] = moment > 0 ? secondsLeft() <= moment * 60 : secondsLeft() === 0;
      });
    };
    var announce = function (moment) {
      status.textContent = moment === 0
        ? "Time is up. Answers saved before the time limit are graded."
        : minutes(moment) + " left. Your answers are saved as you go.";
    };
    var tick = function () {
      var left = secondsLeft();
      var seconds = left % 60;
      countdown.textContent = Math.floor(left / 60) + ":" + (seconds < 10 ? "0" : "") + seconds;
      var due = moments.filter(function (moment) {
        return !said[moment] && left <= moment * 60;
      });
      if (due.length) {
        due.forEach(function (moment) { said[moment] = true; });
        check(due[due.length - 1]);
      }
      running = left > 0;
      if (running) {
        setTimeout(tick, 1000);
      }
    };
    // A later deadline from the server (an administrator extended the time): show it and
    // say so. True when the deadline moved.
    extendDeadline = function (iso) {
      var later = Date.parse(iso);
      if (!iso || isNaN(later) || later <= deadline) {
        return false;
      }
      deadline = later;
      countdown.setAttribute("datetime", iso);
      ends.setAttribute("datetime", iso);
      ends.textContent = new Date(later).toISOString().slice(11, 16);
      forget();
      status.textContent = "Your time was extended: " + minutes(Math.floor(secondsLeft() / 60)) + " left.";
      if (!running) {
        tick();
      }
      return true;
    };
    // Before saying the time left, ask the server for the deadline: it may be later now.
    var check = function (moment) {
      fetch(source, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
        .then(function (response) {
          var json = (response.headers.get("Content-Type") || "").indexOf("application/json") === 0;
          return response.ok && json ? response.json() : {};
        })
        .catch(function () { return {}; })
        .then(function (body) {
          // Not when an extension arrived meanwhile (by autosave): the moment has passed.
          if (!extendDeadline(body.deadline) && secondsLeft() <= moment * 60) {
            announce(moment);
          }
        });
    };
    forget();
    tick();
  }
  var form = document.querySelector("form[data-autosave]");
  if (form) {
    var saved = form.querySelector(".autosave-status");
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
            saved.textContent = "Answer saved.";
            extendDeadline(body.deadline);
          } else {
            saved.textContent = (body.error && body.error.message) || "Not saved.";
          }
        });
      }).catch(function () {
        saved.textContent = "Not saved: check your connection. Your answer will be saved when you continue.";
      });
    };
    var later = function () {
      clearTimeout(timer);
      timer = setTimeout(save, 600);
    };
    form.addEventListener("change", later);
    form.addEventListener("input", later);
  }
})();
