// Golden token ids from tiktoken itself for LlmLab's tokenizer tests (tests/LlmLab.Tests/Tokenization/Goldens/).
//
// 1. Builds a Unicode stress set, deterministically: for every general category, code points from the Basic
//    Multilingual Plane and beyond it, each in several contexts (alone, after a space, inside a word, between
//    digits, after an apostrophe, before a contraction, after a newline); hand-written strings (astral letters and
//    digits, emoji with skin tones and ZWJ, flags, keycaps, tag sequences, CJK, RTL scripts, combining marks, U+0085,
//    U+FEFF, mixed whitespace runs, \r\n, contractions with astral letters, numbers of many lengths); and seeded
//    random strings over an alphabet of the difficult code points.
// 2. Encodes every string with tiktoken's gpt2 and cl100k_base (encode_ordinary: no special tokens).
// 3. Encodes them again with the patterns of openai/tiktoken's current tiktoken_ext/openai_public.py (possessive
//    quantifiers, `\s++$`; tiktoken 1.0.22 for Node still ships the 2023 patterns) over the same ranks, and records
//    the strings where the two disagree, so a difference between tiktoken versions cannot pass for ours.
//
// usage (from bench/node, after `npm install`): node tokenizer_goldens.js OUTDIR
// writes OUTDIR/unicode-stress.json (the strings) and OUTDIR/tiktoken-ids.json (the ids, one string per line).
// The stress set's general categories come from Node's own Unicode tables (process.versions.unicode is recorded).
const fs = require('fs');
const path = require('path');
const crypto = require('crypto');
const { get_encoding, Tiktoken } = require('tiktoken');
const TIKTOKEN_VERSION = JSON.parse(fs.readFileSync(path.join(__dirname, 'node_modules/tiktoken/package.json'), 'utf8')).version;

const outDir = process.argv[2];
if (!outDir) { console.error('usage: node tokenizer_goldens.js OUTDIR'); process.exit(2); }

// ---- 1. The stress set -----------------------------------------------------------------------------------------
const CATEGORIES = ['Lu', 'Ll', 'Lt', 'Lm', 'Lo', 'Mn', 'Mc', 'Me', 'Nd', 'Nl', 'No', 'Pc', 'Pd', 'Ps', 'Pe', 'Pi',
  'Pf', 'Po', 'Sm', 'Sc', 'Sk', 'So', 'Zs', 'Zl', 'Zp', 'Cc', 'Cf', 'Co', 'Cn']; // Cs: not representable in UTF-8
const PER_PLANE = 5; // code points per category in the BMP and beyond it: first, last, and evenly spaced between

function pick(list, n) {
  if (list.length <= n) return list;
  const out = [];
  for (let k = 0; k < n; k++) out.push(list[Math.round(k * (list.length - 1) / (n - 1))]);
  return [...new Set(out)];
}

function categorySamples() {
  const strings = [];
  for (const cat of CATEGORIES) {
    const re = new RegExp(`^\\p{gc=${cat}}$`, 'u');
    const bmp = [], astral = [];
    for (let cp = 0; cp < 0x110000; cp++) {
      if (cp >= 0xD800 && cp < 0xE000) continue;
      if (re.test(String.fromCodePoint(cp))) (cp < 0x10000 ? bmp : astral).push(cp);
    }
    for (const cp of [...pick(bmp, PER_PLANE), ...pick(astral, PER_PLANE)]) {
      const c = String.fromCodePoint(cp);
      strings.push(`${c} a${c}b ${c}${c}1${c}2 '${c}s ${c}'s\n${c}'S\t${c}.`);
    }
  }
  return strings;
}

const fixed = [
  // The cases (issue 13, section 4).
  ' 𝟙', "𝐀's", 'the 𝟐𝟎𝟐𝟒 report',
  // Mathematical alphanumerics (Lu/Ll/Nd outside the BMP), Gothic and Old Italic letters, numbers beyond the BMP.
  '𝐀𝐁𝐂 𝐚𝐛𝐜 𝐴𝐵𝐶 𝔸𝔹ℂ 𝕒𝕓𝕔', '𝟎𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖𝟗', '𝟘𝟙𝟚𝟛 𝟬𝟭𝟮', 'x𝟏y𝟐𝟐z𝟑𝟑𝟑w𝟒𝟒𝟒𝟒', '𐌰𐌱𐌲 𐍈 𐍁', '𐌀𐌁𐌂 text',
  '𒐀𒐁 cuneiform numbers', '𐄇𐄈𐄉 Aegean', '𑁒𑁓 Brahmi', '𝍠𝍡 counting rods', '1𝟐3𝟒5', '12𝟑𝟒56',
  // Contractions with astral letters and case (cl100k's are case-insensitive; GPT-2's are not).
  "𝐀'S", "𝐀'll 𝐀'VE 𝐀're 𝐀'd 𝐀'm 𝐀'T", "'𝐬", "'s𝐀", "it's 𝐢𝐭'𝐬", "DON'T WE'LL THEY'RE", "'ſ 'ſam", "'K", "''s", "'",
  // Emoji: single, skin tones, ZWJ families, flags, keycaps, tag sequences, variation selectors.
  '😀', '👍🏽👍🏿', '👨‍👩‍👧‍👦', '👩🏽‍💻 codes', '🏳️‍🌈', '🏴‍☠️', '🇫🇷🇯🇵🇺🇸', '1️⃣ #️⃣ *️⃣', '🏴󠁧󠁢󠁥󠁮󠁧󠁿 England',
  '☺︎ ☺️', 'a😀b', '😀123', '😀 😀  😀', '🤖🦾🧠', '🫠🫡🪿',
  // CJK, kana, Hangul (precomposed and conjoining jamo), CJK beyond the BMP.
  '日本語のテキスト', '中文，标点。', '한국어 텍스트', '\u1112\u1161\u11AB\u1100\u1173\u11AF', '𠀀𠀁𠀂 𪜀 𫝀', 'ｶﾀｶﾅ ｈａｌｆ', '１２３４５',
  // RTL scripts, bidi controls, Arabic-Indic digits, niqqud and harakat (Mn).
  'שָׁלוֹם עוֹלָם', 'مَرْحَبًا بِالْعَالَمِ', '\u202Eevil\u202C \u200Fmark\u200E', '٣٤٥ ۱۲۳', 'abc \u05D0\u05D1 123 \u0627\u0644',
  // Combining marks, Indic scripts (Mc), Thai, Zalgo, a mark after a space or a digit.
  'e\u0301 \u0301a 1\u0301 \u0301',
  'नमस्ते दुनिया', 'ภาษาไทย', 'Z\u0351\u036B\u0343\u036A\u0302A\u0334\u0335\u031C', '\u20DD\u20DE x\u20E3',
  // Whitespace of every kind, alone, in runs, before words and digits, and at the end of the text.
  '\u0085', 'a\u0085b', '\u0085abc', ' \u0085 x', '\uFEFFbom', 'a\uFEFFb', '\uFEFF\uFEFF', 'zero\u200Bwidth', 'a\u2028b\u2029c',
  '\u3000ideographic', 'x\u00A0y\u00A0\u00A0z', ' \t\u00A0\u3000\n\r\n\u0085 x', '\t\t x', '  \n  x', 'a \n\n \t b',
  '\r\n', 'a\r\nb\r\n\r\nc', 'a\rb', '\n\n\n', 'x\n  ', 'x \n\t', 'x\n \n  ', 'end   ', 'end\t', 'end\n', 'end \u0085',
  '\v\f\x1C\x1D\x1E\x1F', ' \u2000\u2001\u2002\u200A|', '\u1680\u205F\u202F', 'x \u3000y', '   1', ' \u00A0!', '\n!\n',
  // Numbers of many lengths (cl100k cuts runs of digits into threes), separators, other number kinds.
  ...Array.from({ length: 20 }, (_, k) => '1234567890123456789012'.slice(0, k + 1)),
  ...Array.from({ length: 7 }, (_, k) => ' ' + '𝟏𝟐𝟑𝟒𝟓𝟔𝟕'.slice(0, 2 * (k + 1))),
  '3.14159 2,718,281 1e-9 0x1F', '²³ ½ ¾ ⅓', 'Ⅻ Ⅳ ↀ', '①②③ ⑴', '٠١٢٣٤٥٦٧٨٩0',
  // Punctuation and symbols around letters and digits; ASCII code.
  'https://example.com/path?q=1&r=2#frag', 'foo_bar-baz.qux', '!!!???...', '@#$%^&*()', 'x«y»z “q” ‘s’',
  'if (x != 0) { return y; }\r\n', '<summary>Gets 𝐱.</summary>', '{"k": [1, 2.5, null]}', ' ...\n\n', '-->\r\n\r\n',
  // Private use, unassigned, noncharacters, specials.
  '\uE000\uF8FF x\uE000y', '\u{F0000}\u{10FFFD}', '\uFFFE\uFFFF', '\u0378\u0379', '\uFFFD a\uFFFDb', '\u{E0001}\u{E007F}',
];

// A seeded generator (a 32-bit LCG, Numerical Recipes' constants) so the random strings are the same every run.
let seed = 20240213;
const next = (n) => { seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0; return seed % n; };
const ALPHABET = ['a', 'Z', 's', 'S', 'l', 'v', 'e', '\'', '0', '7', ' ', ' ', '\t', '\n', '\r', '\u0085', '\u00A0',
  '\u3000', '\uFEFF', '\u200B', '.', '!', '-', '_', '𝐀', '𝐬', '𝟏', '𝟙', '😀', '👍', '🏽', '\u200D', '\u0301', '\u20E3',
  'é', 'ß', 'ſ', '日', '𠀀', 'ש', 'ا', '٣', '½', 'Ⅻ', '𐍁', '\uE000', '\u{F0000}', '\u0378', 'ǅ', 'ʰ', '𝅘𝅥𝅮'];
const random = Array.from({ length: 300 }, () =>
  Array.from({ length: 1 + next(40) }, () => ALPHABET[next(ALPHABET.length)]).join(''));

const strings = [...categorySamples(), ...fixed, ...random];

// ---- 2 and 3. Ids --------------------------------------------------------------------------------------------------
// openai/tiktoken tiktoken_ext/openai_public.py at its current head (r50k_pat_str, cl100k_base()'s pat_str).
const UPSTREAM = {
  gpt2: String.raw`'(?:[sdmt]|ll|ve|re)| ?\p{L}++| ?\p{N}++| ?[^\s\p{L}\p{N}]++|\s++$|\s+(?!\S)|\s`,
  cl100k_base: String.raw`'(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}++|\p{N}{1,3}+| ?[^\s\p{L}\p{N}]++[\r\n]*+` +
    String.raw`|\s++$|\s*[\r\n]|\s+(?!\S)|\s`,
};
const ids = {}, upstreamDiffers = {};
for (const name of Object.keys(UPSTREAM)) {
  const shipped = get_encoding(name);
  const data = require(`tiktoken/encoders/${name}.json`);
  const upstream = new Tiktoken(data.bpe_ranks, data.special_tokens, UPSTREAM[name]);
  ids[name] = strings.map((s) => Array.from(shipped.encode_ordinary(s)));
  upstreamDiffers[name] = strings.map((s, i) => Array.from(upstream.encode_ordinary(s)).join() === ids[name][i].join() ? -1 : i)
    .filter((i) => i >= 0);
  shipped.free(); upstream.free();
}

// ---- Output --------------------------------------------------------------------------------------------------------
// Strings are written with every code point that is not a letter, digit, punctuation, symbol or space escaped
// (\uXXXX, surrogate pairs beyond the BMP), so invisible characters are visible in a review.
const visible = /[\p{L}\p{N}\p{P}\p{S} ]/u;
const quote = (s) => '"' + Array.from(s).map((c) => {
  if (c === '"' || c === '\\') return '\\' + c;
  if (visible.test(c) && !/\p{Co}|\p{Cn}/u.test(c)) return c;
  let out = '';
  for (let k = 0; k < c.length; k++) out += '\\u' + c.charCodeAt(k).toString(16).toUpperCase().padStart(4, '0');
  return out;
}).join('') + '"';
const stressText = '[\n' + strings.map((s) => '  ' + quote(s)).join(',\n') + '\n]\n';
// SHA-256 of every string's UTF-8 followed by the byte FF (never in UTF-8): the tests check the ids belong to these strings.
const hash = crypto.createHash('sha256');
for (const s of strings) { hash.update(Buffer.from(s, 'utf8')); hash.update(Buffer.from([0xFF])); }
const sha = hash.digest('hex');
const lines = [
  '{',
  `  "tiktoken": "${TIKTOKEN_VERSION}",`,
  `  "node_unicode": "${process.versions.unicode}",`,
  `  "strings": ${strings.length},`,
  `  "strings_sha256": "${sha}",`,
  `  "upstream_pattern_differs": ${JSON.stringify(upstreamDiffers)},`,
  ...Object.keys(ids).flatMap((name, k, all) => [
    `  "${name}": [`,
    ids[name].map((row) => '    ' + JSON.stringify(row)).join(',\n'),
    `  ]${k + 1 < all.length ? ',' : ''}`,
  ]),
  '}',
];
fs.mkdirSync(outDir, { recursive: true });
fs.writeFileSync(path.join(outDir, 'unicode-stress.json'), stressText);
fs.writeFileSync(path.join(outDir, 'tiktoken-ids.json'), lines.join('\n') + '\n');
console.log(`${strings.length} strings; tiktoken ${TIKTOKEN_VERSION}; ` +
  `strings where the current upstream patterns give other ids: ${JSON.stringify(upstreamDiffers)}`);
