// Portal progressive enhancement: the pages work without it.
(function () {
  "use strict";

  // Beside each UTC date-time field, show the same moment in the viewer's own time.
  function showLocalTime(input, output) {
    var value = input.value;
    if (!value) { return; }
    var moment = new Date(value + ":00Z");
    if (isNaN(moment.getTime())) { return; }
    output.textContent = "= " + moment.toLocaleString(undefined, {
      weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", timeZoneName: "short",
    }) + " (" + (Intl.DateTimeFormat().resolvedOptions().timeZone || "") + ")";
  }

  document.querySelectorAll("input[data-utc]").forEach(function (input) {
    var output = document.createElement("span");
    output.className = "help js-local-time";
    output.setAttribute("aria-live", "polite");
    input.insertAdjacentElement("afterend", output);
    input.addEventListener("input", function () { showLocalTime(input, output); });
    showLocalTime(input, output);
  });

  // "Help me choose": ask the server (same rule as without script) and tick the suggestion in place.
  var helper = document.querySelector(".helper-body[data-suggest-url]");
  if (helper) {
    var button = helper.querySelector("button[name=suggest]");
    var result = helper.querySelector(".js-suggestion");
    button.addEventListener("click", function (event) {
      event.preventDefault();
      var params = new URLSearchParams();
      helper.querySelectorAll("input").forEach(function (input) {
        if ((input.type === "radio" || input.type === "checkbox") && !input.checked) { return; }
        params.append(input.name, input.value);
      });
      fetch(helper.dataset.suggestUrl + "?" + params.toString(), { credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) {
          if (!data) { return; }
          var radio = document.querySelector("input[name=severity][value='" + data.level + "']");
          if (radio) { radio.checked = true; }
          result.textContent = data.name + ": " + data.explanation;
        });
    });
  }
})();
