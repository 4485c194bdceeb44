#!/usr/bin/env python3
"""Turns docs/openapi.yaml into a C++ source holding it as JSON text (the build runs this),
so the binary serves GET /__admin/openapi.json without reading docs/ at run time.

Usage: openapi-to-cpp.py <openapi.yaml> <output.cpp>
"""
import json
import sys

import yaml


def main():
    source, output = sys.argv[1], sys.argv[2]
    with open(source, encoding="utf-8") as f:
        document = yaml.safe_load(f)
    if not isinstance(document, dict) or "paths" not in document:
        sys.exit(f"{source}: not an OpenAPI document (no paths)")
    # ASCII only, so the C++ source needs no encoding; compact, as served.
    text = json.dumps(document, ensure_ascii=True, separators=(",", ":"))
    delimiter = "openapi"
    if f"){delimiter}\"" in text:
        sys.exit(f"{source}: the JSON holds the raw string's delimiter")
    # Raw string pieces of at most 4000 characters: compilers cap one literal's length, not a concatenation's.
    pieces = [text[i:i + 4000] for i in range(0, len(text), 4000)]
    literal = "\n".join(f'    R"{delimiter}({piece}){delimiter}"' for piece in pieces)
    with open(output, "w", encoding="ascii") as f:
        f.write(f"// Generated from {source} by scripts/openapi-to-cpp.py: do not edit.\n"
                "#include \"admin_openapi_document.hpp\"\n\n"
                "namespace ucwa {\n\n"
                "std::string_view\n"
                "admin_openapi_json() noexcept\n"
                "{\n"
                "    static constexpr char text[] =\n"
                f"{literal};\n"
                "    return {text, sizeof text - 1};\n"
                "}\n\n"
                "} // namespace ucwa\n")


if __name__ == "__main__":
    main()
