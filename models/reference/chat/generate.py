"""Golden outputs for the Java chat-template renderer, rendered by transformers itself.

Writes job/src/test/resources/chat-templates/:
  real/<template>.<question>.<gen|nogen>.txt  the real templates of models/reference/templates/, one user turn
                                             [image, text], rendered by transformers' render_jinja_template (what
                                             ProcessorMixin.apply_chat_template(..., tokenize=False) calls, with the
                                             tokenizer's special tokens as template variables)
  real.json                                  the inputs of those renders (special tokens, questions)
  probes.json                                small templates, one per Jinja feature real templates use, each with its
                                             variables and either jinja2's output or jinja2's error

Run with /tmp/hfref/bin/python (transformers 5.17.0, jinja2 3.1.x):
  python models/reference/chat/generate.py           # rewrite the goldens
  python models/reference/chat/generate.py --check   # render into a temp folder, compare, exit 1 on a difference

Deterministic: no dates, no randomness; JSON keeps insertion order (probe variables are dicts whose order matters).
"""

import argparse
import filecmp
import json
import sys
import tempfile
from pathlib import Path

import jinja2
import transformers
from transformers.utils.chat_template_utils import render_jinja_template

ROOT = Path(__file__).resolve().parents[3]
TEMPLATES = ROOT / "models" / "reference" / "templates"
OUT = ROOT / "job" / "src" / "test" / "resources" / "chat-templates"

# The named special tokens each model's tokenizer puts into tokenizer.special_tokens_map (bos, eos, unk, pad as
# its tokenizer_config.json declares them); processor.apply_chat_template passes exactly these to the template.
SPECIAL_TOKENS = {
    "llava-1.5": {"bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>", "pad_token": "<pad>"},
    "llava-interleave-qwen": {"eos_token": "<|im_end|>", "pad_token": "<|endoftext|>"},
    "qwen2-vl": {"eos_token": "<|im_end|>", "pad_token": "<|endoftext|>"},
    "qwen2.5-vl": {"eos_token": "<|im_end|>", "pad_token": "<|endoftext|>"},
    "qwen3-vl": {"eos_token": "<|im_end|>", "pad_token": "<|endoftext|>"},
    "smolvlm": {"bos_token": "<|im_start|>", "eos_token": "<end_of_utterance>", "unk_token": "<|endoftext|>",
                "pad_token": "<|im_end|>"},
    "idefics3": {"bos_token": "<|begin_of_text|>", "eos_token": "<end_of_utterance>",
                 "pad_token": "<|reserved_special_token_0|>"},
    "gemma-3": {"bos_token": "<bos>", "eos_token": "<eos>", "unk_token": "<unk>", "pad_token": "<pad>"},
}

QUESTIONS = {
    "ascii": "What is shown in this image?",
    # Non-ASCII (accents, CJK, an emoji outside the BMP) and characters that mean something to Jinja, JSON or
    # Python string escapes: they are data and must come out unchanged.
    "special": "Qu'est-ce que c'est ? 東京 \"quoted\" {{ not_a_var }} {% raw %} {# x #} \\n back\\slash "
               "{\"a\": [1, 2]} tab\there 🙂 end",
}


def user_turn(question):
    return [{"role": "user", "content": [{"type": "image"}, {"type": "text", "text": question}]}]


def render(template, add_generation_prompt, variables, messages):
    """Renders as processor.apply_chat_template(conversation, tokenize=False) does."""
    rendered, _ = render_jinja_template(
        conversations=[messages], chat_template=template, add_generation_prompt=add_generation_prompt,
        **variables)
    return rendered[0]


# One small template per feature the real templates use. "vars" become template variables next to
# add_generation_prompt=False (as transformers passes it) unless a probe sets it itself.
PROBES = [
    # whitespace control, trim_blocks / lstrip_blocks as transformers sets them
    ("ws_trim_blocks", "{% if true %}\nyes\n{% endif %}\nafter", {}),
    ("ws_lstrip_blocks", "line\n    {% if true %}\n    kept\n    {% endif %}\nend", {}),
    ("ws_minus", "a  \n  {{- 'b' -}}  \n  c {%- if true -%}  d  {%- endif -%}  e", {}),
    ("ws_plus", "x\n    {%+ if true %}y{% endif +%}\nz", {}),
    ("ws_comment", "a\n  {# note #}\nb {#- trimmed -#} c", {}),
    ("ws_variable_no_trim", "{{ 'v' }}\nnext", {}),
    ("ws_trailing_newline", "text\n", {}),
    ("ws_crlf", "a\r\n{% if true %}\r\nb\r\n{% endif %}\r\nc", {}),
    ("ws_line_start_after_trim", "{% if true %}\n  {% if true %}\n  in\n  {% endif %}\n{% endif %}", {}),
    # expressions and printing
    ("print_values", "{{ 1 }} {{ 1.5 }} {{ 2.0 }} {{ true }} {{ none }} {{ 'a' }} {{ [1, 'b', none, true] }} "
                     "{{ {'k': 'v', 'n': 1} }} {{ (1, 2) }} {{ 1e20 }} {{ 0.0001 }} {{ 1e-5 }}", {}),
    ("print_undefined", "[{{ missing }}][{{ obj.missing }}][{{ obj['missing'] }}]", {"obj": {"a": 1}}),
    ("arithmetic", "{{ 7 // 2 }} {{ -7 // 2 }} {{ 7 % 3 }} {{ -7 % 3 }} {{ 7 / 2 }} {{ 6 / 3 }} {{ 2 ** 10 }} "
                   "{{ 1 + 2 * 3 }} {{ (1 + 2) * 3 }} {{ -3 + 1 }} {{ 'ab' * 3 }} {{ [1] + [2] }} {{ 1 + 1.5 }}", {}),
    ("concat_tilde", "{{ 'a' ~ 1 ~ none ~ true ~ [1] }}", {}),
    ("compare_chain", "{{ 1 < 2 < 3 }} {{ 1 < 3 < 2 }} {{ 'a' < 'b' }} {{ 1 == 1.0 }} {{ 'a' == 1 }} "
                      "{{ [1, 2] == [1, 2] }} {{ none is none }} {{ 2 != 3 }}", {}),
    ("in_operator", "{{ 'b' in 'abc' }} {{ 2 in [1, 2] }} {{ 'k' in {'k': 1} }} {{ 'x' not in 'abc' }}", {}),
    ("logic", "{{ true and 'x' }} {{ false or 'y' }} {{ not none }} {{ '' or [] or 0 or 'last' }} {{ 0 and 1 }}",
     {}),
    ("conditional_expr", "{{ 'yes' if flag else 'no' }} [{{ 'only' if not flag }}] "
                         "{{ 'a' if false else 'b' if true else 'c' }}", {"flag": True}),
    ("string_literal_escapes", "{{ 'tab\\there' }}|{{ \"dq 'single'\" }}|{{ 'nl\\nx' }}|{{ 'u\\u00e9' }}"
                               "|{{ 'back\\\\slash' }}|{{ 'keep\\d' }}", {}),
    ("attr_vs_item", "{{ d.k }} {{ d['k'] }} {{ d.items()|list }} {{ d['items'] }} {{ l[0] }} {{ l[-1] }} "
                     "[{{ l[5] }}]", {"d": {"k": "v", "items": "key"}, "l": [1, 2, 3]}),
    ("slicing", "{{ l[1:] }} {{ l[:-1] }} {{ l[::-1] }} {{ l[::2] }} {{ l[-2:] }} {{ s[1:3] }} {{ s[::-1] }} "
                "{{ l[5:] }}", {"l": [1, 2, 3, 4], "s": "hello"}),
    # string methods with and without arguments
    ("str_methods_noargs", "{{ s.upper() }}|{{ s.lower() }}|{{ s.strip() }}|{{ s.lstrip() }}|{{ s.rstrip() }}|"
                           "{{ s.title() }}|{{ s.capitalize() }}|{{ s.split() }}", {"s": "  hEllo wOrld  "}),
    ("str_methods_args", "{{ s.strip('x') }}|{{ s.lstrip('xa') }}|{{ s.rstrip('x') }}|{{ s.split('a') }}|"
                         "{{ s.split('a', 1) }}|{{ s.rsplit('a', 1) }}|{{ s.replace('a', 'A') }}|"
                         "{{ s.replace('a', 'A', 1) }}|{{ s.startswith('xa') }}|{{ s.endswith(('q', 'x')) }}|"
                         "{{ s.find('b') }}|{{ s.count('a') }}", {"s": "xabacax"}),
    ("str_methods_chain", "{{ m.content.split('</think>')[-1].lstrip('\\n') }}",
     {"m": {"content": "<think>\nreason\n</think>\n\nanswer"}}),
    ("str_join_method", "{{ ', '.join(l) }}", {"l": ["a", "b"]}),
    # tojson as transformers overrides it (json.dumps, ensure_ascii=False)
    ("tojson_basic", "{{ v | tojson }}", {"v": {"b": [1, 2.5, True, None], "a": "x\"y\\z\n\t\u0001"}}),
    ("tojson_non_ascii", "{{ v | tojson }}", {"v": {"name": "東京 🙂 é", "html": "<b>&'</b>"}}),
    ("tojson_indent", "{{ v | tojson(indent=2) }}", {"v": {"tool": {"name": "f", "args": [1, {"k": []}], "e": {}}}}),
    ("tojson_sort_keys", "{{ v | tojson(sort_keys=true) }}", {"v": {"b": 1, "a": 2}}),
    ("tojson_scalars", "{{ 'a' | tojson }} {{ 1 | tojson }} {{ none | tojson }} {{ 1.0 | tojson }} "
                       "{{ [] | tojson }}", {}),
    # loop helpers
    ("loop_helpers", "{% for x in l %}{{ loop.index }}{{ loop.index0 }}{{ loop.revindex }}{{ loop.revindex0 }}"
                     "{{ loop.first }}{{ loop.last }}{{ loop.length }};{% endfor %}", {"l": ["a", "b", "c"]}),
    ("loop_prev_next", "{% for x in l %}[{{ loop.previtem }}|{{ x }}|{{ loop.nextitem }}]{% endfor %}",
     {"l": ["a", "b", "c"]}),
    ("loop_prev_next_attr", "{% for m in l %}{% if loop.previtem and loop.previtem.role != m.role %}*{% endif %}"
                            "{{ m.role }}{% if not loop.last and loop.nextitem.role != 'tool' %}.{% endif %}"
                            "{% endfor %}",
     {"l": [{"role": "user"}, {"role": "tool"}, {"role": "tool"}, {"role": "assistant"}]}),
    ("loop_else_filter", "{% for x in l if x > 1 %}{{ x }}{{ loop.index }}{% else %}none{% endfor %}"
                         "{% for x in [] %}x{% else %}empty{% endfor %}", {"l": [1, 2, 3]}),
    ("loop_unpack", "{% for k, v in d.items() %}{{ k }}={{ v }};{% endfor %}{% for a, b in [[1, 2], [3, 4]] %}"
                    "{{ a + b }}{% endfor %}", {"d": {"x": 1, "y": 2}}),
    ("loop_nested_parent", "{% for a in [1, 2] %}{% for b in [3, 4] %}{{ a }}{{ b }}{{ loop.index }} "
                           "{% endfor %}{{ loop.index }}|{% endfor %}", {}),
    ("loop_break_continue", "{% for x in [1, 2, 3, 4, 5] %}{% if x == 2 %}{% continue %}{% endif %}"
                            "{% if x == 4 %}{% break %}{% endif %}{{ x }}{% endfor %}", {}),
    ("loop_cycle", "{% for x in [1, 2, 3] %}{{ loop.cycle('a', 'b') }}{% endfor %}", {}),
    ("loop_over_string_and_dict", "{% for c in 'ab' %}{{ c }}.{% endfor %}{% for k in {'p': 1, 'q': 2} %}"
                                  "{{ k }}{% endfor %}", {}),
    # scoping, set, namespace
    ("set_scoping", "{% set x = 1 %}{% for i in [1, 2] %}{% set x = x + i %}{{ x }}{% endfor %}{{ x }}"
                    "{% if true %}{% set y = 5 %}{% endif %}{{ y }}", {}),
    ("namespace", "{% set ns = namespace(count=0, found=false, idx=l|length - 1) %}{% for x in l %}"
                  "{% set ns.count = ns.count + x %}{% if x == 2 %}{% set ns.found = true %}{% endif %}"
                  "{% endfor %}{{ ns.count }} {{ ns.found }} {{ ns.idx }}", {"l": [1, 2, 3]}),
    ("set_tuple_and_block", "{% set a, b = 1, 2 %}{{ a }}{{ b }}{% set blk %}in {{ a }}{% endset %}[{{ blk }}]",
     {}),
    ("reverse_iteration_index", "{% for m in messages[::-1] %}{% set index = (messages|length - 1) - loop.index0 %}"
                                "{{ index }}{{ m }}{% endfor %}", {"messages": ["a", "b", "c"]}),
    # tests
    ("tests", "{{ x is defined }} {{ y is defined }} {{ y is undefined }} {{ n is none }} {{ s is string }} "
              "{{ d is mapping }} {{ l is iterable }} {{ s is iterable }} {{ l is sequence }} {{ d is mapping }} "
              "{{ 3 is number }} {{ 3 is integer }} {{ 3.0 is float }} {{ true is boolean }} {{ 3 is odd }} "
              "{{ 4 is even }} {{ 9 is divisibleby 3 }} {{ l is string }} {{ n is not none }} {{ s is not mapping }} "
              "{{ 'a' is lower }} {{ 'A' is upper }} {{ 1 is true }} {{ true is true }} {{ false is false }} "
              "{{ 1 is eq 1 }} {{ 2 is gt 1 }} {{ 1 is in [1] }}",
     {"x": 1, "n": None, "s": "str", "d": {"a": 1}, "l": [1]}),
    # filters
    ("filters_string", "{{ s|trim }}|{{ s|upper }}|{{ s|lower }}|{{ s|capitalize }}|{{ s|title }}|"
                       "{{ s|replace('l', 'L') }}|{{ s|length }}|{{ s|trim('x ') }}|{{ 'ab'|replace('', '-') }}",
     {"s": "  heLLo wOrld x "}),
    ("filters_sequence", "{{ l|first }} {{ l|last }} {{ l|length }} {{ l|count }} {{ l|join('-') }} {{ l|join }} "
                         "{{ l|reverse|list }} {{ l|sort }} {{ l|unique|list }} {{ l|sum }} {{ l|min }} {{ l|max }} "
                         "{{ l|list }} {{ 'ab'|list }}", {"l": [3, 1, 2, 1]}),
    ("filters_default", "{{ missing|default('d') }} {{ none|default('d') }} {{ ''|default('d') }} "
                        "{{ ''|default('d', true) }} {{ missing|d('x') }} {{ 0|default(5, boolean=true) }}", {}),
    ("filters_dict", "{{ d|items|list }} {{ d|dictsort }} {{ d|dictsort(reverse=true) }} {{ d|length }}",
     {"d": {"b": 2, "a": 1}}),
    ("filters_select", "{{ l|selectattr('type', 'equalto', 'image')|list|length }} "
                       "{{ l|selectattr('text')|map(attribute='text')|join(',') }} "
                       "{{ l|rejectattr('type', 'eq', 'image')|map(attribute='type')|list }} "
                       "{{ [1, 2, 3, 4]|select('odd')|list }} {{ [1, 2, 3]|reject('even')|list }} "
                       "{{ ['a', 'b']|map('upper')|list }} {{ l|map(attribute='missing', default='z')|list }}",
     {"l": [{"type": "image"}, {"type": "text", "text": "t1"}, {"type": "text", "text": "t2"}]}),
    ("filters_convert", "{{ '3'|int + 1 }} {{ '2.5'|float }} {{ 3|string ~ 'x' }} {{ 2.6|int }} {{ 'x'|int }} "
                        "{{ 2.5|round }} {{ 3.14159|round(2) }} {{ -3|abs }}", {}),
    ("filters_indent", "{{ s|indent }}|{{ s|indent(2, true) }}|{{ s|indent(first=true, blank=true) }}",
     {"s": "a\n\nb\n"}),
    ("filters_chain_precedence", "{{ l|length - 1 }} {{ -x|abs }} {{ 'a' ~ l|length }} {{ not l|length }}",
     {"l": [1, 2], "x": 3}),
    # calls and globals
    ("raise_exception", "{% if messages|length > 1 %}{{ raise_exception('Only one message, please!') }}"
                        "{% endif %}ok", {"messages": [1, 2]}),
    ("range_and_dict", "{{ range(3)|list }} {{ range(1, 7, 2)|list }} {{ dict(a=1, b='x') }}", {}),
    ("dict_methods", "{{ d.get('a') }} {{ d.get('z') }} {{ d.get('z', 'dflt') }} {{ d.keys()|list }} "
                     "{{ d.values()|list }}", {"d": {"a": 1, "b": 2}}),
    # macros and the generation tag
    ("macro", "{% macro greet(name, punct='!') %}Hi {{ name }}{{ punct }}{% endmacro %}"
              "{{ greet('a') }} {{ greet('b', '?') }} {{ greet(name='c', punct='.') }}", {}),
    ("generation_tag", "{% for m in messages %}{% if m.role == 'assistant' %}{% generation %}{{ m.content }}"
                       "{% endgeneration %}{% else %}{{ m.content }}{% endif %}|{% endfor %}",
     {"messages": [{"role": "user", "content": "q"}, {"role": "assistant", "content": "a"}]}),
    ("add_generation_prompt_var", "{% if add_generation_prompt %}gen{% else %}nogen{% endif %}", {}),
    # what transformers passes besides the variables: tools and documents are None
    ("tools_documents_none", "{{ tools is none }} {{ documents is none }} {% if tools %}t{% endif %}", {}),
    # errors jinja2 raises; the renderer must fail too
    ("error_undefined_attr_of_undefined", "{{ missing.attr }}", {}),
    ("error_unknown_filter", "{{ 'a'|no_such_filter }}", {}),
    ("error_sandbox_mutation", "{% set l = [] %}{{ l.append(1) }}", {}),
    ("error_add_str_int", "{{ 'a' + 1 }}", {}),
    # features the Java renderer refuses (documented there); jinja2's output is kept to show what it would be
    ("refused_strftime_now", "{{ strftime_now('%Y') is string }}", {}),
]


def render_probe(template, variables):
    context = {"add_generation_prompt": False}
    context.update(variables)
    messages = context.pop("messages", [])
    add_generation_prompt = context.pop("add_generation_prompt")
    try:
        return {"output": render(template, add_generation_prompt, context, messages)}
    except Exception as e:  # jinja2's TemplateError and Python's own errors alike
        return {"error": type(e).__name__, "message": str(e)}


def generate(out: Path):
    (out / "real").mkdir(parents=True, exist_ok=True)
    cases = []
    for name in sorted(SPECIAL_TOKENS):
        template = (TEMPLATES / f"{name}.jinja").read_text(encoding="utf-8")
        for qname, question in QUESTIONS.items():
            for gen in (True, False):
                file = f"{name}.{qname}.{'gen' if gen else 'nogen'}.txt"
                text = render(template, gen, SPECIAL_TOKENS[name], user_turn(question))
                (out / "real" / file).write_bytes(text.encode("utf-8"))
                cases.append({"template": name, "question": qname, "add_generation_prompt": gen, "expected": file})
    real = {"transformers": transformers.__version__, "jinja2": jinja2.__version__,
            "special_tokens": SPECIAL_TOKENS, "questions": QUESTIONS, "cases": cases}
    write_json(out / "real.json", real)
    probes = []
    for name, template, variables in PROBES:
        probes.append({"name": name, "template": template, "variables": variables,
                       **render_probe(template, variables)})
    write_json(out / "probes.json", {"transformers": transformers.__version__, "jinja2": jinja2.__version__,
                                     "probes": probes})


def write_json(path, value):
    path.write_text(json.dumps(value, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare a fresh render with the committed goldens")
    args = parser.parse_args()
    if not args.check:
        generate(OUT)
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        generate(Path(tmp))
        comparison = filecmp.dircmp(tmp, OUT)
        different = check(comparison, "")
    if different:
        print("chat-template goldens differ from a fresh render: " + ", ".join(different)
              + " (rerun models/reference/chat/generate.py)", file=sys.stderr)
        return 1
    print("chat-template goldens match transformers " + transformers.__version__)
    return 0


def check(comparison, prefix):
    problems = [prefix + f for f in comparison.left_only + comparison.right_only + comparison.funny_files]
    _, mismatch, errors = filecmp.cmpfiles(comparison.left, comparison.right, comparison.common_files, shallow=False)
    problems += [prefix + f for f in mismatch + errors]
    for name, sub in comparison.subdirs.items():
        problems += check(sub, prefix + name + "/")
    return problems


if __name__ == "__main__":
    sys.exit(main())
