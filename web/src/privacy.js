// Personal numbers (ID, bank card, mobile) are masked in the page before they are shown, stored or sent,
// by the server's own rules (bot/privacy.py, served in /config.json): one definition for both.

const FULL_WIDTH = { "０": "0", "１": "1", "２": "2", "３": "3", "４": "4", "５": "5", "６": "6", "７": "7", "８": "8", "９": "9", "ｘ": "x", "Ｘ": "X", "－": "-" };

/** Compiles the served rules once: [{kind, pattern, placeholder}] → [{kind, regex, placeholder}]. */
export function compileRules(rules) {
  return (rules || []).map((r) => ({ ...r, regex: new RegExp(r.pattern, "g") }));
}

/** The text with personal numbers replaced, and whether any was found. */
export function mask(text, rules) {
  if (!text || !rules?.length) return { text, masked: false };
  let out = /[０-９]/.test(text) ? text.replace(/[０-９ｘＸ－]/g, (c) => FULL_WIDTH[c]) : text;
  let masked = false;
  for (const rule of rules) {
    out = out.replace(rule.regex, () => {
      masked = true;
      return rule.placeholder;
    });
  }
  return masked ? { text: out, masked } : { text, masked };
}
