// Editor code shared by the incident-response config nodes (each one's HTML loads this file
// from resources/node-red-contrib-incident-response/editor.js): one behaviour for "which
// credentials does live mode still need", instead of a copy per dialog.
(function () {
  'use strict';
  if (window.IncidentResponseEditor) return;

  function filled(node, name) {
    var input = $('#node-config-input-' + name);
    var typed = input.length ? String(input.val() || '').trim() : '';
    // Node-RED never sends stored passwords to the editor, only has_<name>.
    var stored = node.credentials && (node.credentials['has_' + name] || (node.credentials[name] && node.credentials[name] !== '__PWRD__'));
    return typed !== '' || Boolean(stored);
  }

  // A mode word first or last in a parenthesis: "dry-run, CERT", "MaxMind test databases, dry-run".
  var MODE_FIRST = /^(?:dry-run|live)\s*[,;]\s*/i;
  var MODE_LAST = /\s*[,;]\s*(?:dry-run|live)$/i;

  window.IncidentResponseEditor = {
    /**
     * A config node's label: its name, then `parts` (the current mode, maybe the backend) in
     * parentheses. The example flows' names carry a mode ("Slack (dry-run)", "IP lookup (MaxMind
     * test databases, dry-run)"): it is dropped from the name's last parenthesis, else the label
     * would read it twice, or a stale one after a switch to live.
     */
    modeLabel: function (name, fallback, parts) {
      var text = String(name || '').trim();
      var m = /^(.*?)\s*\(([^()]*)\)$/.exec(text);
      if (m) {
        var inner = m[2].trim();
        inner = /^(dry-run|live)$/i.test(inner) ? '' : inner.replace(MODE_FIRST, '').replace(MODE_LAST, '');
        var lower = inner.toLowerCase();
        var same = !inner || parts.join(', ').toLowerCase() === lower || parts.some(function (p) { return String(p).toLowerCase() === lower; });
        text = same ? m[1] : m[1] + ' (' + inner + ')';
      }
      return (text || fallback) + ' (' + parts.join(', ') + ')';
    },

    /**
     * Keep `tip` (a selector for an element with class ir-missing-credentials) telling which
     * credentials live mode lacks. `required`: [{name, label}], or a function returning that
     * list for the dialog's current settings (e.g. per backend). Nothing shows in dry-run.
     */
    watchMissingCredentials: function (node, required, tip) {
      var list = typeof required === 'function' ? required : function () { return required; };
      function update() {
        var live = $('#node-config-input-mode').val() === 'live';
        // An item is {name, label}, or {anyOf: [names], label} when one of several will do.
        var missing = live ? list().filter(function (r) {
          return !(r.anyOf || [r.name]).some(function (name) { return filled(node, name); });
        }) : [];
        var el = $(tip);
        if (!missing.length) {
          el.hide().empty();
          return;
        }
        el.empty().append($('<span>').text('Live mode needs ' + missing.map(function (r) { return r.label; }).join(', ') + ' (missing): every call would fail.')).show();
      }
      // Any field may change the list (a backend, a provider switched on) or fill an item.
      $('.red-ui-tray-body').find('input, select, textarea').on('change keyup input', update);
      update();
      return update;
    }
  };
})();
