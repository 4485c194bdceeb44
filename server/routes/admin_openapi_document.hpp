#pragma once
// The OpenAPI 3.1 description of the admin API (docs/openapi.yaml), as JSON text compiled
// into the binary: the build generates its definition from the YAML.

#include <string_view>

namespace ucwa {

/** Returns docs/openapi.yaml as compact JSON. */
std::string_view
admin_openapi_json() noexcept;

} // namespace ucwa
