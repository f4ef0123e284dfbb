// The rule editor: CodeMirror 5 (from its WebJar) with a DRL mode, one document per file, and the
// validation's errors shown on their lines. CodeMirror 5 is not an ES module: its scripts are
// loaded with <script src> from this origin, which the console's Content-Security-Policy allows.
import {el, loadStyle} from './core.js';

/** Where the WebJar is served; WebJarTest checks that this version is the one in the jar. */
export const CODEMIRROR = '/webjars/codemirror/5.65.19/';

const ERROR_GUTTER = 'drl-errors';
let loading = null;

/** Loads CodeMirror and its simple-mode addon once, then defines the DRL mode. */
export function loadCodeMirror() {
  if (!loading) {
    loadStyle(CODEMIRROR + 'lib/codemirror.css');
    loading = script(CODEMIRROR + 'lib/codemirror.js')
      .then(() => script(CODEMIRROR + 'addon/mode/simple.js'))
      .then(() => {
        defineDrlMode(window.CodeMirror);
        return window.CodeMirror;
      })
      .catch((error) => {
        loading = null;
        throw error;
      });
  }
  return loading;
}

function script(src) {
  return new Promise((resolve, reject) => {
    const node = el('script', {src});
    node.addEventListener('load', () => resolve());
    node.addEventListener('error', () => reject(new Error('could not load ' + src)));
    document.head.append(node);
  });
}

const KEYWORDS = ['package', 'import', 'global', 'function', 'declare', 'query', 'rule', 'extends',
  'when', 'then', 'end', 'attributes', 'salience', 'dialect', 'enabled', 'duration', 'timer',
  'calendars', 'not', 'exists', 'forall', 'and', 'or', 'from', 'collect', 'accumulate', 'eval',
  'modify', 'insert', 'insertLogical', 'retract', 'delete', 'update', 'over', 'window', 'new',
  'return', 'if', 'else', 'for', 'this'];
const HYPHENATED = ['no-loop', 'lock-on-active', 'agenda-group', 'activation-group', 'ruleflow-group',
  'date-effective', 'date-expires', 'auto-focus', 'entry-point'];
const OPERATORS = ['matches', 'memberOf', 'contains', 'soundslike', 'in', 'str'];

function words(list) {
  return new RegExp('(?:' + list.join('|') + ')\\b');
}

function defineDrlMode(CodeMirror) {
  CodeMirror.defineSimpleMode('drl', {
    start: [
      {regex: /"(?:[^\\"]|\\.)*?(?:"|$)/, token: 'string'},
      {regex: /'(?:[^\\']|\\.)*?(?:'|$)/, token: 'string'},
      {regex: /\/\/.*/, token: 'comment'},
      {regex: /\/\*/, token: 'comment', next: 'comment'},
      {regex: words(HYPHENATED), token: 'keyword'},
      {regex: words(KEYWORDS), token: 'keyword'},
      {regex: words(OPERATORS), token: 'operator'},
      {regex: /(?:true|false|null)\b/, token: 'atom'},
      {regex: /\$[\w$]+/, token: 'variable-2'},
      {regex: /[A-Z][\w$]*/, token: 'type'},
      {regex: /[a-z_][\w$]*/, token: null},
      {regex: /0x[\da-f]+|(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?[ldfb]?/i, token: 'number'},
      {regex: /[-+\/*=<>!&|:%]+/, token: 'operator'},
      {regex: /[\{\[\(]/, indent: true},
      {regex: /[\}\]\)]/, dedent: true},
    ],
    comment: [
      {regex: /.*?\*\//, token: 'comment', next: 'start'},
      {regex: /.*/, token: 'comment'},
    ],
    meta: {lineComment: '//', blockCommentStart: '/*', blockCommentEnd: '*/'},
  });
}

/**
 * One editor over several files. Each file is its own CodeMirror document, so switching files keeps
 * each one's text, cursor, undo history and error marks.
 */
export class RuleEditor {
  constructor(CodeMirror, host, {onChange} = {}) {
    this.CodeMirror = CodeMirror;
    this.docs = new Map(); // file name -> CodeMirror.Doc
    this.marks = new Map(); // file name -> [{line handle, widget}]
    this.current = null;
    this.onChange = onChange || (() => {});
    this.cm = CodeMirror(host, {
      value: '',
      lineNumbers: true,
      gutters: ['CodeMirror-linenumbers', ERROR_GUTTER],
      indentUnit: 4,
      tabSize: 4,
      indentWithTabs: false,
      viewportMargin: Infinity, // the whole file is in the DOM: line classes are there to see
    });
  }

  /** Replaces every file; json files get no DRL mode. */
  load(files) {
    this.docs.clear();
    this.marks.clear();
    for (const [name, text] of Object.entries(files)) {
      const doc = this.CodeMirror.Doc(text, name.endsWith('.drl') ? 'drl' : null);
      doc.on('change', () => this.onChange(name));
      this.docs.set(name, doc);
    }
    this.current = null;
    const first = this.docs.keys().next();
    if (!first.done) {
      this.show(first.value);
    }
  }

  add(name, text) {
    const doc = this.CodeMirror.Doc(text, name.endsWith('.drl') ? 'drl' : null);
    doc.on('change', () => this.onChange(name));
    this.docs.set(name, doc);
    this.show(name);
  }

  remove(name) {
    this.docs.delete(name);
    this.marks.delete(name);
    if (this.current === name) {
      const first = this.docs.keys().next();
      this.current = null;
      if (!first.done) {
        this.show(first.value);
      }
    }
  }

  names() {
    return [...this.docs.keys()];
  }

  text(name) {
    return this.docs.get(name).getValue();
  }

  show(name) {
    const doc = this.docs.get(name);
    if (!doc || this.current === name) {
      return;
    }
    this.current = name;
    this.cm.swapDoc(doc);
    this.cm.refresh();
  }

  setReadOnly(readOnly) {
    this.cm.setOption('readOnly', readOnly);
  }

  refresh() {
    this.cm.refresh();
  }

  /** Marks each error on its line: a gutter marker, a line class and the message under it. */
  markErrors(errors) {
    this.clearErrors();
    for (const error of errors) {
      const doc = this.docs.get(error.file);
      if (!doc || !(error.line > 0)) {
        continue;
      }
      const line = Math.min(error.line, doc.lineCount()) - 1;
      const handle = doc.addLineClass(line, 'wrap', 'drl-error-line');
      const marker = el('span', {class: 'drl-error-marker', title: error.message}, '●');
      doc.setGutterMarker(line, ERROR_GUTTER, marker);
      const message = el('div', {class: 'drl-error-message'}, firstLine(error.message));
      const widget = doc.addLineWidget(line, message, {coverGutter: false, noHScroll: true});
      const list = this.marks.get(error.file) || [];
      list.push({doc, handle, widget});
      this.marks.set(error.file, list);
    }
    this.cm.refresh();
  }

  clearErrors() {
    for (const list of this.marks.values()) {
      for (const {doc, handle, widget} of list) {
        doc.removeLineClass(handle, 'wrap', 'drl-error-line');
        doc.setGutterMarker(handle, ERROR_GUTTER, null);
        widget.clear();
      }
    }
    this.marks.clear();
  }

  /** Shows a file and puts the cursor where an error is (line and column count from 1). */
  jumpTo(name, line, column) {
    this.show(name);
    const position = {line: Math.max(0, line - 1), ch: Math.max(0, (column || 1) - 1)};
    this.cm.setCursor(position);
    this.cm.scrollIntoView(position, 80);
    this.cm.focus();
  }
}

/**
 * Drools' messages run over several lines, and a parser error starts with a place already shown
 * beside it ("[ERR 101] Line 15:51 "): the first line, without that, says what is wrong.
 */
export function firstLine(message) {
  return String(message || '').split('\n')[0].replace(/^\[ERR \d+\] Line \d+:\d+\s+/, '');
}
