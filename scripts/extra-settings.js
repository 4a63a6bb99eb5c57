// Node-RED settings added from the environment (IR_SETTINGS_JSON), read in one place for
// `npm start` (which names a mistake before Node-RED starts) and its settings file.
'use strict';

/** The settings object IR_SETTINGS_JSON holds ({} without it); throws a named error otherwise. */
function extraSettings(text = process.env.IR_SETTINGS_JSON) {
  if (!text) return {};
  let extra;
  try {
    extra = JSON.parse(text);
  } catch (err) {
    throw new Error(`IR_SETTINGS_JSON is not usable: ${err.message}`);
  }
  if (extra === null || typeof extra !== 'object' || Array.isArray(extra)) throw new Error('IR_SETTINGS_JSON is not usable: it must be a JSON object');
  return extra;
}

module.exports = { extraSettings };
