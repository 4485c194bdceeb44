#!/usr/bin/env python3
"""Turns the dashboard's files (server/ui/) into a C++ source holding them (the build runs this),
so the binary serves GET /__admin/ui without reading server/ui/ at run time.

Usage: ui-to-cpp.py <output.cpp> <file>...
"""
import hashlib
import os
import sys

TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
}


def literal(data):
    """The bytes as C++ string literal pieces: hex escapes for anything but printable ASCII."""
    pieces, line = [], []
    for b in data:
        c = chr(b)
        if c == "\\" or c == '"':
            line.append("\\" + c)
        elif 32 <= b < 127 and c != "?":
            line.append(c)
        else:
            line.append("\\%03o" % b)
        if len(line) >= 200 or c == "\n":
            pieces.append('"' + "".join(line) + '"')
            line = []
    if line:
        pieces.append('"' + "".join(line) + '"')
    return "\n        ".join(pieces) if pieces else '""'


def main():
    output, files = sys.argv[1], sys.argv[2:]
    entries = []
    for path in files:
        name = os.path.basename(path)
        ext = os.path.splitext(name)[1]
        if ext not in TYPES:
            sys.exit(f"{path}: no content type for {ext}")
        with open(path, "rb") as f:
            data = f.read()
        etag = '"' + hashlib.sha256(data).hexdigest()[:20] + '"'
        entries.append((name, TYPES[ext], etag, data))
    with open(output, "w", encoding="ascii") as f:
        f.write("// Generated from server/ui/ by scripts/ui-to-cpp.py: do not edit.\n"
                "#include \"admin_ui_assets.hpp\"\n\n"
                "#include <array>\n\n"
                "namespace ucwa {\n\n"
                "namespace {\n\n")
        for i, (name, ctype, etag, data) in enumerate(entries):
            f.write(f"constexpr char body_{i}[] =\n        {literal(data)};\n\n")
        f.write(f"constexpr std::array<ui_asset, {len(entries)}> assets{{{{\n")
        for i, (name, ctype, etag, data) in enumerate(entries):
            esc = etag.replace('"', '\\"')
            f.write(f'    {{"{name}", "{ctype}", "{esc}", {{body_{i}, sizeof body_{i} - 1}}}},\n')
        f.write("}};\n\n} // namespace\n\n"
                "ui_asset const*\n"
                "find_ui_asset(std::string_view name) noexcept\n"
                "{\n"
                "    for(auto const& a : assets)\n"
                "        if(a.name == name)\n"
                "            return &a;\n"
                "    return nullptr;\n"
                "}\n\n"
                "} // namespace ucwa\n")


if __name__ == "__main__":
    main()
