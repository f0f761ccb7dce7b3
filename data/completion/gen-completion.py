#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""certtrust's shell completion, generated from `certtrust --json --help` (the command table
and the options each command parses): commands, options, the fixed values of options (stores,
formats, views, browsers, policies, modes, flow choices, serve profiles), files and directories.

usage: gen-completion.py bash|zsh|fish JSON OUTPUT"""
import json
import sys

HEADER = "# certtrust completion, generated from certtrust --json --help: do not edit\n"


def option_words(option):
    words = ["--" + option["long"]]
    if option["short"]:
        words.insert(0, "-" + option["short"])
    return words


def bash(cli):
    global_words = []
    for option in cli["global_options"]:
        global_words += option_words(option)
    out = [HEADER, "_certtrust()\n{\n",
           '\tlocal cur="${COMP_WORDS[COMP_CWORD]}" prev="${COMP_WORDS[COMP_CWORD-1]}"\n',
           '\tlocal cmd="" first=0 i opts=""\n',
           "\tfor ((i = 1; i < COMP_CWORD; i++)); do\n",
           '\t\tcase "${COMP_WORDS[i]}" in\n',
           "\t\t--sysroot) ((i++)) ;;\n",
           "\t\t-*) ;;\n",
           '\t\t*) cmd="${COMP_WORDS[i]}"; first=$((i + 1)); break ;;\n',
           "\t\tesac\n\tdone\n",
           '\tlocal global="%s"\n' % " ".join(global_words),
           '\tif [[ -z $cmd ]]; then\n',
           '\t\tif [[ $prev == --sysroot ]]; then\n',
           '\t\t\tCOMPREPLY=($(compgen -d -- "$cur"))\n',
           '\t\telif [[ $cur == -* ]]; then\n',
           '\t\t\tCOMPREPLY=($(compgen -W "$global" -- "$cur"))\n',
           "\t\telse\n",
           '\t\t\tCOMPREPLY=($(compgen -W "%s" -- "$cur"))\n'
           % " ".join(c["name"] for c in cli["commands"]),
           "\t\tfi\n\t\treturn\n\tfi\n",
           '\tcase "$prev" in\n',
           '\t--sysroot) COMPREPLY=($(compgen -d -- "$cur")); return ;;\n',
           "\tesac\n",
           '\tcase "$cmd" in\n']
    for command in cli["commands"]:
        out.append("\t%s)\n" % command["name"])
        out.append('\t\tcase "$prev" in\n')
        words = []
        for option in command["options"]:
            words += option_words(option)
            if not option.get("value"):
                continue
            pattern = "|".join(option_words(option))
            completes = option.get("completes")
            if completes == "choice":
                action = 'COMPREPLY=($(compgen -W "%s" -- "$cur"))' % " ".join(option["choices"])
            elif completes == "directory":
                action = 'COMPREPLY=($(compgen -d -- "$cur"))'
            elif completes == "file":
                action = 'COMPREPLY=($(compgen -f -- "$cur"))'
            else:
                action = "COMPREPLY=()"
            out.append("\t\t%s) %s; return ;;\n" % (pattern, action))
        out.append("\t\tesac\n")
        out.append('\t\topts="%s"\n' % " ".join(words))
        if command.get("argument_choices"):
            out.append('\t\tif [[ $cur != -* && $COMP_CWORD -eq $first ]]; then\n')
            out.append('\t\t\tCOMPREPLY=($(compgen -W "%s" -- "$cur")); return\n'
                       % " ".join(command["argument_choices"]))
            out.append("\t\tfi\n")
        out.append("\t\t;;\n")
    out.append("\tesac\n")
    out.append('\tif [[ $cur == -* ]]; then\n')
    out.append('\t\tCOMPREPLY=($(compgen -W "$opts $global" -- "$cur"))\n')
    out.append("\telse\n")
    out.append('\t\tCOMPREPLY=($(compgen -f -- "$cur"))\n')
    out.append("\tfi\n}\n")
    out.append("complete -o filenames -F _certtrust certtrust\n")
    return "".join(out)


def zsh_quote(text):
    return "'" + text.replace("'", "'\\''") + "'"


def zsh_help(text):
    return (text or "").replace("[", "(").replace("]", ")").replace(":", " -").replace("\n", " ")


def zsh_action(option):
    completes = option.get("completes")
    if completes == "choice":
        return "(%s)" % " ".join(option["choices"])
    if completes == "directory":
        return "_files -/"
    if completes == "file":
        return "_files"
    return " "


def zsh_specs(options):
    specs = []
    for option in options:
        for word in option_words(option):
            spec = ("*" if option["repeatable"] else "") + word
            spec += "[%s]" % zsh_help(option["help"])
            if option.get("value"):
                spec += ":%s:%s" % (option["value"].replace(":", "-"), zsh_action(option))
            specs.append(zsh_quote(spec))
    return specs


def zsh(cli):
    out = ["#compdef certtrust\n", HEADER, "_certtrust() {\n",
           "\tlocal -a commands global\n", "\tcommands=(\n"]
    for command in cli["commands"]:
        out.append("\t\t%s\n" % zsh_quote("%s:%s" % (command["name"],
                                                      zsh_help(command["summary"]))))
    out.append("\t)\n")
    out.append("\tglobal=(%s)\n" % " ".join(zsh_specs(cli["global_options"])))
    out.append("\tif (( CURRENT == 2 )); then\n")
    out.append("\t\t_describe 'command' commands\n\t\treturn\n\tfi\n")
    out.append("\tcase $words[2] in\n")
    for command in cli["commands"]:
        args = zsh_specs(command["options"])
        if command.get("argument_choices"):
            args.append(zsh_quote("1:procedure:(%s)" % " ".join(command["argument_choices"])))
        args.append(zsh_quote("*:source:_files"))
        out.append("\t%s)\n\t\tshift words; (( CURRENT-- ))\n" % command["name"])
        out.append("\t\t_arguments -s $global %s\n\t\t;;\n" % " ".join(args))
    out.append("\tesac\n}\n\n_certtrust \"$@\"\n")
    return "".join(out)


def fish_quote(text):
    return "'" + (text or "").replace("\\", "\\\\").replace("'", "\\'").replace("\n", " ") + "'"


def fish_option(condition, option):
    line = "complete -c certtrust"
    if condition:
        line += " -n %s" % fish_quote(condition)
    if option["short"]:
        line += " -s %s" % option["short"]
    line += " -l %s" % option["long"]
    completes = option.get("completes")
    if completes == "choice":
        line += " -x -a %s" % fish_quote(" ".join(option["choices"]))
    elif completes == "directory":
        line += " -x -a '(__fish_complete_directories)'"
    elif completes == "file":
        line += " -r -F"
    elif option.get("value"):
        line += " -x"
    return line + " -d %s\n" % fish_quote(option["help"])


def fish(cli):
    names = " ".join(c["name"] for c in cli["commands"])
    out = [HEADER, "complete -c certtrust -f\n"]
    for option in cli["global_options"]:
        out.append(fish_option(None, option))
    for command in cli["commands"]:
        out.append("complete -c certtrust -n %s -a %s -d %s\n"
                   % (fish_quote("not __fish_seen_subcommand_from " + names),
                      command["name"], fish_quote(command["summary"])))
    for command in cli["commands"]:
        condition = "__fish_seen_subcommand_from " + command["name"]
        for option in command["options"]:
            out.append(fish_option(condition, option))
        if command.get("argument_choices"):
            out.append("complete -c certtrust -n %s -a %s\n"
                       % (fish_quote(condition), fish_quote(" ".join(command["argument_choices"]))))
        if command.get("argument_completes"):
            out.append("complete -c certtrust -n %s -F\n" % fish_quote(condition))
    return "".join(out)


def main():
    shell, source, output = sys.argv[1:4]
    with open(source) as f:
        cli = json.load(f)
    text = {"bash": bash, "zsh": zsh, "fish": fish}[shell](cli)
    with open(output, "w") as f:
        f.write(text)


if __name__ == "__main__":
    main()
