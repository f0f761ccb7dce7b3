#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""certtrust(1) in scdoc: the hand-written page (TEMPLATE) with @VERSION@ and @COMMANDS@ filled
in from `certtrust --json --help` (JSON): every command's synopsis, summary, description,
options and examples, the same text --help prints.

usage: gen-man.py TEMPLATE JSON OUTPUT"""
import json
import re
import sys


def escape(text):
    """scdoc's markup characters, literally"""
    return re.sub(r"([\\*_])", r"\\\1", text)


def paragraph(text):
    """help text made for a terminal: prose joins into a paragraph; a block with indented
    lines (a table of choices) stays as it is"""
    out = []
    for block in text.split("\n\n"):
        lines = block.split("\n")
        if any(line.startswith(" ") for line in lines):
            out.append("```\n" + "\n".join(lines) + "\n```")
        else:
            out.append(escape(" ".join(line.strip() for line in lines)))
    return "\n\n".join(out)


def option_term(option):
    names = "-%s, --%s" % (option["short"], option["long"]) if option["short"] else "--" + option["long"]
    term = "*%s*" % escape(names)
    if option.get("value"):
        term += " _%s_" % escape(option["value"])
    return term


def option_text(option):
    text = escape(option["help"] or "")
    if option.get("choices"):
        text += "%s Values: %s." % ("" if text.endswith(".") else ".", escape(", ".join(option["choices"])))
    return text


def command_section(command):
    out = ["## certtrust %s" % command["name"], ""]
    out.append("*certtrust %s* %s" % (command["name"], escape(command["synopsis"])))
    out.append("")
    out.append(escape(command["summary"]) + ".")
    out.append("")
    if command.get("description"):
        out.append(paragraph(command["description"]))
        out.append("")
    if command["options"]:
        out.append("Options:")
        out.append("")
        for option in command["options"]:
            out.append(option_term(option))
            out.append("\t" + option_text(option))
            out.append("")
    out.append("Examples:")
    out.append("")
    out.append("```")
    out.extend(command["examples"])
    out.append("```")
    out.append("")
    return "\n".join(out)


def global_options(cli):
    out = []
    for option in cli["global_options"]:
        out.append(option_term(option))
        out.append("\t" + option_text(option))
        out.append("")
    return "\n".join(out)


def main():
    template, source, output = sys.argv[1:4]
    with open(source) as f:
        cli = json.load(f)
    with open(template) as f:
        page = f.read()
    page = page.replace("@VERSION@", cli["version"])
    page = page.replace("@GLOBAL_OPTIONS@", global_options(cli))
    page = page.replace("@COMMANDS@", "\n".join(command_section(c) for c in cli["commands"]))
    with open(output, "w") as f:
        f.write(page)


if __name__ == "__main__":
    main()
