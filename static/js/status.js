// Status page progressive enhancement: the pages work without it.
(function () {
  "use strict";

  // The component picker: a group's box ticks or unticks its components, and shows whether all or some are ticked.
  document.querySelectorAll("[data-component-picker]").forEach(function (picker) {
    var scripted = picker.querySelector("[data-scripted]");
    if (scripted) { scripted.value = "1"; }  // the component boxes alone now say what is chosen
    picker.querySelectorAll("fieldset.component-group").forEach(function (group) {
      var toggle = group.querySelector("[data-group-toggle]");
      if (!toggle) { return; }
      var boxes = group.querySelectorAll("input[name$='components']");
      function sync() {
        var ticked = 0;
        boxes.forEach(function (box) { if (box.checked) { ticked += 1; } });
        toggle.checked = ticked === boxes.length;
        toggle.indeterminate = ticked > 0 && ticked < boxes.length;
      }
      toggle.addEventListener("change", function () {
        boxes.forEach(function (box) { box.checked = toggle.checked; });
        toggle.indeterminate = false;
      });
      boxes.forEach(function (box) { box.addEventListener("change", sync); });
      sync();
    });
  });
})();
