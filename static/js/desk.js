// The desk's few behaviours, as progressive enhancements (every page works without them).
(function () {
  "use strict";

  // Picking a canned reply fills the reply box at once instead of reloading the page.
  function bindCanned(root) {
    root.querySelectorAll("select[data-canned-target]").forEach(function (select) {
      var form = select.form;
      form.querySelectorAll(".js-hide").forEach(function (el) { el.hidden = true; });
      select.addEventListener("change", function () {
        var option = select.options[select.selectedIndex];
        var target = document.getElementById(select.dataset.cannedTarget);
        if (target && option && option.dataset.body !== undefined) {
          target.value = option.dataset.body;
          target.focus();
        }
      });
    });
  }

  // The queue refreshes itself every 30 s; not while the agent has ticked rows for a bulk action.
  document.addEventListener("htmx:beforeRequest", function (event) {
    var el = event.detail.elt;
    if (el && el.dataset && el.dataset.poll === "queue" &&
        event.detail.requestConfig && event.detail.requestConfig.triggeringEvent &&
        event.detail.requestConfig.triggeringEvent.type !== "submit" &&
        document.querySelector("input[name=tickets]:checked")) {
      event.preventDefault();
    }
  });

  // Tick all rows of the visible page.
  document.addEventListener("change", function (event) {
    if (event.target && event.target.matches("input[data-check-all]")) {
      document.querySelectorAll("input[name=tickets]").forEach(function (box) { box.checked = event.target.checked; });
    }
  });

  document.addEventListener("DOMContentLoaded", function () { bindCanned(document); });
})();
