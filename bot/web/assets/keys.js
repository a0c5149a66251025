// studybot admin pages: keyboard shortcuts and select-all. Hand-written,
// no dependencies; every page works without it.
//   j or n  go to the next undecided question (#next)
//   a       approve the question shown (#approve)
//   r       put the cursor in the reject reason (#reason)
(function () {
  "use strict";
  function typing(el) {
    if (!el) return false;
    var t = el.tagName;
    return t === "INPUT" || t === "TEXTAREA" || t === "SELECT" || el.isContentEditable;
  }
  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey || typing(document.activeElement)) return;
    var k = e.key;
    if (k === "j" || k === "n") {
      var next = document.getElementById("next");
      if (next) { e.preventDefault(); window.location.href = next.href; }
    } else if (k === "a") {
      var approve = document.getElementById("approve");
      if (approve) { e.preventDefault(); approve.submit(); }
    } else if (k === "r") {
      var reason = document.getElementById("reason");
      if (reason) { e.preventDefault(); reason.focus(); }
    }
  });
  document.addEventListener("DOMContentLoaded", function () {
    var all = document.getElementById("all");
    if (!all) return;
    all.hidden = false;
    all.addEventListener("change", function () {
      var boxes = document.querySelectorAll('input[type="checkbox"][name="id"]:not(:disabled)');
      for (var i = 0; i < boxes.length; i++) boxes[i].checked = all.checked;
    });
  });
})();
