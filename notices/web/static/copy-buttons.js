// Copy buttons of the packs: the text of the element named in data-copy goes to the clipboard.
// A file of its own, not inline, so the pages' Content-Security-Policy can forbid inline script.
document.querySelectorAll("button.copy").forEach(function (button) {
  button.addEventListener("click", function () {
    var text = document.getElementById(button.dataset.copy).innerText;
    var done = function () { button.textContent = "已复制 ✔ 去微信里粘贴"; };
    var fallback = function () {  // older WeChat browsers: no async clipboard
      var area = document.createElement("textarea");
      area.value = text; document.body.appendChild(area); area.select();
      document.execCommand("copy"); document.body.removeChild(area); done();
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, fallback);
    } else {
      fallback();
    }
  });
});
