(function () {
  "use strict";
  var temp = document.getElementById("temp-track");
  var svg = document.getElementById("arc");
  var head = document.getElementById("playhead");
  var readout = document.getElementById("temp-time");
  document.addEventListener("play", function (event) {
    document.querySelectorAll("audio").forEach(function (a) { if (a !== event.target) { a.pause(); } });
  }, true);
  function fmt(t) {
    var s = Math.max(0, Math.round(t)), h = Math.floor(s / 3600), m = Math.floor(s / 60) % 60;
    var ss = String(s % 60).padStart(2, "0");
    return h ? h + ":" + String(m).padStart(2, "0") + ":" + ss : m + ":" + ss;
  }
  if (temp && svg && head) {
    var x0 = Number(svg.dataset.x0), x1 = Number(svg.dataset.x1), total = Number(svg.dataset.duration);
    var move = function () {
      var x = x0 + (x1 - x0) * Math.min(Math.max(temp.currentTime / total, 0), 1);
      head.setAttribute("x1", x); head.setAttribute("x2", x); head.setAttribute("visibility", "visible");
      if (readout) { readout.textContent = fmt(temp.currentTime); }
    };
    temp.addEventListener("timeupdate", move);
    temp.addEventListener("seeked", move);
    var seek = function (t) {
      temp.currentTime = Math.min(Math.max(t, 0), total);
      var p = temp.play();
      if (p && p.catch) { p.catch(function () {}); }
    };
    svg.addEventListener("click", function (event) {
      if (event.target.closest("a")) { return; }
      var matrix = svg.getScreenCTM();
      if (!matrix) { return; }
      var point = new DOMPoint(event.clientX, event.clientY).matrixTransform(matrix.inverse());
      if (point.x >= x0 && point.x <= x1) { seek((point.x - x0) / (x1 - x0) * total); }
    });
    document.querySelectorAll("button.seek").forEach(function (button) {
      button.addEventListener("click", function () { seek(Number(button.dataset.seek)); });
    });
  }
  function openTarget() {
    if (!location.hash) { return; }
    var target = document.getElementById(decodeURIComponent(location.hash.slice(1)));
    if (target && target.tagName === "DETAILS") { target.open = true; }
  }
  window.addEventListener("hashchange", openTarget);
  openTarget();
})();
