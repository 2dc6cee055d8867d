/* Switching the language in the middle of an application keeps what was typed on this step:
   a language link submits the step, unchecked, to the same step in the other language, where
   the application continues. Without JavaScript the link still works and keeps the finished
   steps; only what was typed on the current step since the last "Continue" is lost. */
document.addEventListener("DOMContentLoaded", function () {
  var form = document.querySelector("form[data-keep-on-language-switch]");
  if (!form) {
    return;
  }
  document.querySelectorAll(".lang-switch a[hreflang]").forEach(function (link) {
    if (link.hasAttribute("aria-current")) {
      return;
    }
    link.addEventListener("click", function (event) {
      event.preventDefault();
      var marker = document.createElement("input");
      marker.type = "hidden";
      marker.name = "switch_language";
      marker.value = link.getAttribute("hreflang");
      form.appendChild(marker);
      form.action = link.href;
      form.submit();
    });
  });
});
