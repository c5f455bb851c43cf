// Hotspot questions: a click on the diagram chooses a point, in the image's own
// coordinates (the viewBox units of an SVG, the pixels of a photo), whatever size the
// image is shown at. Choosing a labelled point instead clears the click, and a click
// clears the labelled point, so the form sends one answer. Without this script the
// labelled points still work.
(function () {
  "use strict";

  function round(value) {
    return Math.round(value * 100) / 100;
  }

  function setUp(box) {
    var image = box.querySelector(".hotspot-image");
    var xInput = box.querySelector(".hotspot-x");
    var yInput = box.querySelector(".hotspot-y");
    var marker = box.querySelector(".hotspot-marker");
    var status = box.querySelector(".hotspot-status");
    var candidates = box.querySelectorAll(".hotspot-candidate");
    // Each hotspot question on a page includes this script; set each box up once.
    if (!image || !xInput || !yInput || xInput.disabled || box.classList.contains("hotspot-ready")) {
      return;
    }
    box.classList.add("hotspot-ready");

    image.addEventListener("click", function (event) {
      var rect = image.getBoundingClientRect();
      var width = Number(box.dataset.width) || image.naturalWidth;
      var height = Number(box.dataset.height) || image.naturalHeight;
      if (!rect.width || !rect.height || !width || !height) {
        return;
      }
      var x = round(Math.min(Math.max((event.clientX - rect.left) / rect.width, 0), 1) * width);
      var y = round(Math.min(Math.max((event.clientY - rect.top) / rect.height, 0), 1) * height);
      xInput.value = String(x);
      yInput.value = String(y);
      candidates.forEach(function (radio) {
        radio.checked = false;
      });
      if (marker) {
        marker.setAttribute("cx", String(x));
        marker.setAttribute("cy", String(y));
        marker.setAttribute("visibility", "visible");
      }
      if (status) {
        status.textContent = "You chose a point on the diagram.";
      }
      // Let an autosaving form notice the change, as it would for a typed answer.
      xInput.dispatchEvent(new Event("change", { bubbles: true }));
    });

    candidates.forEach(function (radio) {
      radio.addEventListener("change", function () {
        xInput.value = "";
        yInput.value = "";
        if (marker) {
          marker.setAttribute("visibility", "hidden");
        }
        if (status) {
          status.textContent = "";
        }
      });
    });
  }

  document.querySelectorAll("[data-hotspot]").forEach(setUp);
})();
