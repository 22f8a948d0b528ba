import { autocompletion, completeFromList } from "@codemirror/autocomplete";
import { defaultKeymap, history, historyKeymap } from "@codemirror/commands";
import { PostgreSQL, sql } from "@codemirror/lang-sql";
import { Compartment, EditorState, StateEffect, StateField } from "@codemirror/state";
import { Decoration, EditorView, keymap, lineNumbers, placeholder, type DecorationSet } from "@codemirror/view";
import { useEffect, useRef } from "react";

/** What the operator asked to run. */
export type RunScope = "statement" | "all";

/** Underlines an error's place: [from, to) in the document, or null to clear. */
const markError = StateEffect.define<{ from: number; to: number } | null>();
const errorField = StateField.define<DecorationSet>({
  create: () => Decoration.none,
  update(marks, tr) {
    let next = marks.map(tr.changes);
    for (const e of tr.effects) {
      if (e.is(markError)) next = e.value ? Decoration.set([Decoration.mark({ class: "cm-sql-error" }).range(e.value.from, e.value.to)]) : Decoration.none;
    }
    return tr.docChanged ? Decoration.none : next;
  },
  provide: (f) => EditorView.decorations.from(f),
});

interface Props {
  label: string;
  initial: string;
  onChange: (text: string) => void;
  /** `schema.table` → columns, for completion. */
  schema: Record<string, string[]>;
  /** The environment's functions (`name`), for completion. */
  functions: string[];
  onRun: (scope: RunScope) => void;
  onCancel: () => void;
  /** The error's place in the document (a character offset), to underline. */
  errorAt: number | null;
  /** Receives the editor once made (and null when it goes), to read and set its text. */
  onView: (view: EditorView | null) => void;
}

/** CodeMirror 6 with PostgreSQL's dialect and the environment's tables and columns to
 * complete; Ctrl/⌘+Enter runs the statement at the cursor (or the selection), with Shift all of
 * it, Escape cancels a running statement. */
/** PostgreSQL with the environment's tables, columns and functions to complete. */
function language(schema: Record<string, string[]>, functions: string[]) {
  const support = sql({ dialect: PostgreSQL, upperCaseKeywords: true, schema, defaultSchema: "public" });
  return [support, support.language.data.of({ autocomplete: completeFromList(functions.map((label) => ({ label, type: "function" }))) })];
}

export function SqlEditor({ label, initial, onChange, schema, functions, onRun, onCancel, errorAt, onView }: Props) {
  const host = useRef<HTMLDivElement>(null);
  const editor = useRef<EditorView | null>(null);
  const dialect = useRef(new Compartment());
  const callbacks = useRef({ onChange, onRun, onCancel, onView });
  useEffect(() => {
    callbacks.current = { onChange, onRun, onCancel, onView };
  });

  useEffect(() => {
    if (!host.current) return;
    const view = new EditorView({
      parent: host.current,
      state: EditorState.create({
        doc: initial,
        extensions: [
          lineNumbers(),
          history(),
          placeholder("SELECT … (Ctrl+Enter runs the statement at the cursor)"),
          dialect.current.of(language({}, [])),
          autocompletion(),
          errorField,
          keymap.of([
            { key: "Mod-Enter", run: () => (callbacks.current.onRun("statement"), true) },
            { key: "Shift-Mod-Enter", run: () => (callbacks.current.onRun("all"), true) },
            { key: "Escape", run: () => (callbacks.current.onCancel(), false) },
            ...historyKeymap,
            ...defaultKeymap,
          ]),
          EditorView.updateListener.of((u) => {
            if (u.docChanged) callbacks.current.onChange(u.state.doc.toString());
          }),
          EditorView.contentAttributes.of({ "aria-label": label }),
        ],
      }),
    });
    editor.current = view;
    callbacks.current.onView(view);
    return () => {
      editor.current = null;
      callbacks.current.onView(null);
      view.destroy();
    };
    // The editor is made once; its text then lives in it (and flows out through onChange).
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useEffect(() => {
    editor.current?.dispatch({ effects: dialect.current.reconfigure(language(schema, functions)) });
  }, [schema, functions]);

  useEffect(() => {
    const view = editor.current;
    if (!view) return;
    if (errorAt === null) {
      view.dispatch({ effects: markError.of(null) });
      return;
    }
    const doc = view.state.doc;
    const from = Math.min(errorAt, doc.length);
    const word = /^[\w$"]+/.exec(doc.sliceString(from, from + 64));
    const to = Math.min(doc.length, from + Math.max(1, word ? word[0].length : 1));
    view.dispatch({ effects: markError.of(from < to ? { from, to } : null), selection: { anchor: from }, scrollIntoView: true });
  }, [errorAt]);

  return <div ref={host} className="db__editor" data-editor />;
}
