// DKFDS's components (the header's menu button and drawer, the menu's groups, overflow menus):
// DKFDS documents one init() per page, after its own script. Both are deferred, so they run in
// order before DOMContentLoaded.
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  window.DKFDS.init();
});
