"""The JavaScript scanner on inline module source: every syntax form, and text that only looks
like an import."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from push_manifest.model import Destination, Kind, Reference
from push_manifest.scanners.js import MODULE_TYPE_DESTINATIONS, js_syntax_errors, scan_js

Found = tuple[Kind, str, dict[str, str]]


def scan(source: str | bytes) -> list[Found]:
    return [(ref.kind, ref.url, dict(ref.attrs)) for ref in scan_js(source)]


def urls(source: str | bytes) -> list[str]:
    return [ref.url for ref in scan_js(source)]


# --- static imports and re-exports ---


@pytest.mark.parametrize(
    "source",
    [
        'import a from "./m.js";',
        "import {b, c as d} from './m.js';",
        'import * as ns from "./m.js"',
        'import "./m.js";',
        'import a, {b} from "./m.js";',
        'import a, * as ns from "./m.js";',
        'import {"kebab-name" as k} from "./m.js";',
        'import {default as x} from "./m.js";',
        'export {x} from "./m.js";',
        'export {x as y, default} from "./m.js";',
        'export * from "./m.js";',
        'export * as ns from "./m.js";',
        'import a from "./m.js" with { type: "javascript-ish" }',
        'import\n  a\n  from\n  "./m.js"',
        'import /* c */ a /* c */ from /* c */ "./m.js"',
    ],
)
def test_static_forms(source: str) -> None:
    (found,) = scan(source)
    assert found[:2] == (Kind.JS_IMPORT, "./m.js")


def test_static_imports_carry_no_lazy_attributes() -> None:
    assert scan('import a from "./a.js"; export * from "./b.js";') == [
        (Kind.JS_IMPORT, "./a.js", {}),
        (Kind.JS_IMPORT, "./b.js", {}),
    ]


def test_specifiers_are_unresolved_and_any_form() -> None:
    source = """
    import "https://cdn.example/x.js";
    import "/abs.js";
    import "../up.js";
    import "lodash-es";
    import "lodash-es/map.js";
    """
    assert urls(source) == [
        "https://cdn.example/x.js",
        "/abs.js",
        "../up.js",
        "lodash-es",
        "lodash-es/map.js",
    ]


def test_escapes_in_specifiers_are_decoded() -> None:
    source = r"""
    import "./a\x2e\u{62}\u0063\u002Ejs";
    import './q\'uote.js';
    import "./\uD83D\uDE00.js";
    import "./line\
continued.js";
    """
    assert urls(source) == ["./a.bc.js", "./q'uote.js", "./\U0001f600.js", "./linecontinued.js"]


def test_string_with_comment_like_text_keeps_it() -> None:
    assert urls('import " a // b /* c */ .js";') == [" a // b /* c */ .js"]


# --- import attributes: JSON and CSS modules ---


@pytest.mark.parametrize(
    ("source", "module_type"),
    [
        ('import data from "./m" with { type: "json" };', "json"),
        ("import sheet from './m' with {type: 'css'}", "css"),
        ('import data from "./m" with { "type": "json" };', "json"),
        ('import "./m" with { type: "json" };', "json"),
        ('import data from "./m" with { type: "json", other: "x" };', "json"),
        ('import data from "./m" assert { type: "json" };', "json"),
        ('import data from "./m" assert { "type": "json" }\nfoo();', "json"),
        ('export {default as data} from "./m" with { type: "json" };', "json"),
        ('export * as sheet from "./m" with { type: "css" }\nfoo()', "css"),
        ('export * from "./m" with { type: "json", other: "x" };', "json"),
        ('import("./m", { with: { type: "json" } })', "json"),
        ('import("./m", { assert: { type: "css" } })', "css"),
    ],
)
def test_module_type_attribute(source: str, module_type: str) -> None:
    (ref,) = scan_js(source)
    assert ref.url == "./m"
    assert ref.attr("type") == module_type


def test_recovered_reexport_does_not_swallow_what_follows() -> None:
    source = 'export {a} from "./x.json" with {type: "json"};\nimport "./next.js";'
    assert scan(source) == [
        (Kind.JS_IMPORT, "./x.json", {"type": "json"}),
        (Kind.JS_IMPORT, "./next.js", {}),
    ]


def test_module_type_destinations() -> None:
    assert MODULE_TYPE_DESTINATIONS[None] is Destination.SCRIPT
    assert MODULE_TYPE_DESTINATIONS["json"] is Destination.FETCH
    assert MODULE_TYPE_DESTINATIONS["css"] is Destination.STYLE
    assert "javascript" not in MODULE_TYPE_DESTINATIONS


# --- dynamic import ---


def test_dynamic_import_forms() -> None:
    source = """
    import("./literal.js");
    import('./single.js');
    import(`./template.js`);
    import(`./with-${name}.js`);
    import(variable);
    import("./concat-" + name);
    import();
    """
    assert scan(source) == [
        (Kind.JS_DYNAMIC_IMPORT, "./literal.js", {"eager": "true"}),
        (Kind.JS_DYNAMIC_IMPORT, "./single.js", {"eager": "true"}),
        (Kind.JS_DYNAMIC_IMPORT, "./template.js", {"eager": "true"}),
    ]


def test_template_literal_cooked_value() -> None:
    assert urls("import(`./a\\x2e\\`b.js`)") == ["./a.`b.js"]


def test_methods_named_import_are_not_dynamic_imports() -> None:
    assert scan('loader.import("./a.js"); imports("./b.js"); System.import("./c.js")') == []


@pytest.mark.parametrize(
    ("source", "eager"),
    [
        ('import("./x.js")', True),
        ('await import("./x.js")', True),
        ('const m = await import("./x.js")', True),
        ('import("./x.js") && go()', True),
        ('do { import("./x.js") } while (0)', True),
        ('{ import("./x.js") }', True),
        ('try { import("./x.js") } finally {}', True),
        ('function f() { import("./x.js") }', False),
        ('const f = () => import("./x.js")', False),
        ('button.onclick = async () => { await import("./x.js") }', False),
        ('class A { m() { import("./x.js") } }', False),
        ('class A { static { import("./x.js") } }', False),
        ('if (a) import("./x.js")', False),
        ('if (a) {} else { import("./x.js") }', False),
        ('a ? import("./x.js") : 0', False),
        ('a && import("./x.js")', False),
        ('a ?? import("./x.js")', False),
        ('a ||= import("./x.js")', False),
        ('for (;;) import("./x.js")', False),
        ('for (const a of b) import("./x.js")', False),
        ('while (a) import("./x.js")', False),
        ('switch (a) { case 1: import("./x.js") }', False),
        ('try {} catch { import("./x.js") }', False),
        ('a + import("./x.js")', True),
    ],
)
def test_eager_marks_unconditional_evaluation(source: str, eager: bool) -> None:
    (ref,) = scan_js(source)
    assert ref.has("eager") is eager


# --- workers and new URL(…, import.meta.url) ---


def test_module_worker() -> None:
    source = 'new Worker(new URL("./w.js", import.meta.url), { type: "module" });'
    assert scan(source) == [(Kind.JS_WORKER, "./w.js", {"worker-type": "module", "eager": "true"})]


@pytest.mark.parametrize(
    ("options", "worker_type"),
    [
        ("", "classic"),
        (", {}", "classic"),
        (', { name: "n" }', "classic"),
        (', { type: "classic" }', "classic"),
        (", { 'type': `module` }", "module"),
        (", options", None),
        (", { ...options }", None),
        (", { type }", None),
        (", { type: kind }", None),
    ],
)
def test_worker_type(options: str, worker_type: str | None) -> None:
    (ref,) = scan_js(f'new Worker(new URL("./w.js", import.meta.url){options})')
    assert ref.kind is Kind.JS_WORKER
    assert ref.attr("worker-type") == worker_type


def test_worker_variants() -> None:
    source = """
    const a = new SharedWorker(new URL("./shared.js", import.meta.url));
    const b = new globalThis.Worker(new URL("./global.js", import.meta.url).href);
    const c = new Worker("./plain.js", { type: "module" });
    const d = new Worker(`./template.js`);
    const e = new Worker(new URL("./other-base.js", location.href));
    const f = new Worker(scriptUrl);
    """
    assert scan(source) == [
        (Kind.JS_WORKER, "./shared.js", {"worker-type": "classic", "eager": "true"}),
        (Kind.JS_WORKER, "./global.js", {"worker-type": "classic", "eager": "true"}),
        (
            Kind.JS_WORKER,
            "./plain.js",
            {"worker-type": "module", "base": "document", "eager": "true"},
        ),
        (
            Kind.JS_WORKER,
            "./template.js",
            {"worker-type": "classic", "base": "document", "eager": "true"},
        ),
    ]


def test_asset_urls_need_import_meta_url_exactly() -> None:
    source = """
    const ok = new URL("./img.png", import.meta.url);
    const ok2 = new URL(`./font.woff2`, import.meta?.url).href;
    const no1 = new URL("./a.png", location.href);
    const no2 = new URL("./b.png", document.baseURI);
    const no3 = new URL("./c.png");
    const no4 = new URL("./d.png", import.meta);
    const no5 = new URL("./e.png", import.meta.href);
    const no6 = new URL("./f.png", other.meta.url);
    const no7 = URL("./g.png", import.meta.url);
    const no8 = new URL(`./${x}.png`, import.meta.url);
    function f() { return new.target.url; }
    """
    assert scan(source) == [
        (Kind.JS_URL, "./img.png", {"eager": "true"}),
        (Kind.JS_URL, "./font.woff2", {"eager": "true"}),
    ]


def test_worker_url_is_not_reported_twice_but_a_standalone_url_is() -> None:
    source = """
    const url = new URL("./w.js", import.meta.url);
    function start() { return new Worker(url, { type: "module" }); }
    """
    assert scan(source) == [(Kind.JS_URL, "./w.js", {"eager": "true"})]


# --- text that looks like an import but is not code ---


def test_comments_strings_regex_and_templates_are_not_imports() -> None:
    source = r"""
    // import "./line-comment.js";
    /* import "./block-comment.js"; import("./block2.js") */
    /**
     * export * from "./jsdoc.js";
     */
    const s1 = 'import "./single-quoted.js"';
    const s2 = "import('./double-quoted.js')";
    const s3 = "export * from \"./escaped.js\"";
    const t1 = `import "./template.js"`;
    const t2 = `
      import x from "./multiline-template.js";
      ${"import('./in-substitution-string.js')"}
    `;
    const r1 = /import "\.\/regex.js"/g;
    const r2 = /[/]import("\.\/regex-class.js")/;
    const html = '<script type="module">import "./in-html.js"</script>';
    const n = new Worker; const u = new URL;
    x = a / b; import("./real.js") /* after a division */;
    """
    assert urls(source) == ["./real.js"]


def test_identifiers_and_properties_named_like_keywords() -> None:
    source = """
    const obj = { import: 1, from: "./prop.js", with: { type: "json" } };
    obj.import;
    label: "./label.js";
    """
    assert scan(source) == []


# --- positions, order, inline module bodies ---


def test_lines_and_source_order() -> None:
    source = (
        'import "./one.js";\n'
        "\n"
        'const w = new Worker(new URL("./three.js", import.meta.url));\n'
        'export * from "./four.js"; import("./four-b.js")\n'
    )
    assert [(ref.line, ref.url) for ref in scan_js(source)] == [
        (1, "./one.js"),
        (3, "./three.js"),
        (4, "./four.js"),
        (4, "./four-b.js"),
    ]


def test_inline_module_script_body() -> None:
    body = """
      import { render } from './app.js';
      import config from './config.json' with { type: 'json' };
      render(document.body, config);
      document.querySelector("button").addEventListener("click", async () => {
        const { dialog } = await import('./dialog.js');
        dialog.open();
      });
    """
    assert scan(body) == [
        (Kind.JS_IMPORT, "./app.js", {}),
        (Kind.JS_IMPORT, "./config.json", {"type": "json"}),
        (Kind.JS_DYNAMIC_IMPORT, "./dialog.js", {}),
    ]


def test_bytes_bom_and_hashbang() -> None:
    assert urls(b'\xef\xbb\xbfimport "./bom.js";') == ["./bom.js"]
    assert urls('#!/usr/bin/env node\nimport "./hb.js"') == ["./hb.js"]
    assert urls(b'import "./caf\xc3\xa9.js"') == ["./caf\u00e9.js"]


def test_references_are_model_values() -> None:
    (ref,) = scan_js('import "./a.js"')
    assert ref == Reference(url="./a.js", kind=Kind.JS_IMPORT, line=1)


# --- malformed input ---


def test_parse_errors_keep_what_is_outside_them() -> None:
    source = '@@@ garbage ;;; import "./g.js"; ))) import "./h.js"'
    assert urls(source) == ["./g.js", "./h.js"]
    assert js_syntax_errors(source) == (1,)


@pytest.mark.parametrize(
    "source",
    [
        'import "./unterminated.js',
        'import("./unclosed.js"',
        'foo(import "./not-an-expression.js")',
        'const x = {import "./in-object.js"}',
        'new Worker(new URL("./w.js", import.meta.url)',
    ],
)
def test_nothing_is_taken_from_inside_error_nodes(source: str) -> None:
    assert urls(source) == []
    assert js_syntax_errors(source) == (1,)


def test_a_statement_with_an_error_inside_keeps_its_specifier() -> None:
    # tree-sitter wraps only the stray tokens; the specifier is outside the ERROR node.
    source = 'import x from from "./twice.js";'
    assert urls(source) == ["./twice.js"]
    assert js_syntax_errors(source) == (1,)


def test_well_formed_source_has_no_syntax_errors() -> None:
    assert js_syntax_errors('import a from "./a.js";\nexport default a;\n') == ()
    assert js_syntax_errors("ok();\nconst = ;\nfine();\n") == (2,)


def test_invalid_utf8_does_not_raise() -> None:
    assert urls(b'import "./\xff\xfe.js"; import "./ok.js"')[-1] == "./ok.js"


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list('import("./x.js")`${}/*\'"\\\n;, ')), max_size=80))
def test_any_text_scans_without_raising(source: str) -> None:
    for ref in scan_js(source):
        assert ref.kind in (Kind.JS_IMPORT, Kind.JS_DYNAMIC_IMPORT, Kind.JS_WORKER, Kind.JS_URL)
        assert ref.line >= 1
    js_syntax_errors(source)


# --- performance ---


def test_a_100_kb_module_is_scanned_whole() -> None:
    """Every import of a 100 kB module is found. Its speed is the benchmark's business (about
    25 ms here); a pathological slowdown trips the per-test timeout."""
    chunk = """
    import {{ a{i}, b as c{i} }} from "./lib/a{i}.js";
    const t{i} = `template ${{x}} import "./no.js"`; // import "./no2.js"
    export function f{i}(x, y) {{
      if (x > y) return import("./lazy{i}.js");
      const re = /import "x"/g, s = 'import "./str.js"';
      for (let i = 0; i < 10; i++) y += i * x / 2;
      return new URL("./asset{i}.png", import.meta.url);
    }}
    """
    source = "".join(chunk.format(i=i) for i in range(400))
    assert len(source) > 100_000
    found = list(scan_js(source + f"\n// {time.time()}"))  # a distinct text: no parse cache hit
    assert len(found) == 3 * 400
