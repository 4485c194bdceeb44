#include "xframe_page.hpp"

#include "json_writer.hpp"

namespace ucwa {

std::string
xframe_page(std::span<std::string const> allowed_origins)
{
    // The allow-list goes into the page as a JSON array: entries are normalized origins, "*" or "null".
    json_writer list;
    list.start_array();
    for(auto const& origin : allowed_origins)
        list.value(origin);
    list.end_array();
    constexpr std::string_view head = R"html(<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>ucwa-mock XFrame</title></head>
<body><script>
// ucwa-mock's cross-domain bridge for UCWA web clients. A page on another origin posts a
// request here as a JSON string; it is sent same-origin and the answer is posted back.
// Only pages of the origins the mock allows (--xframe-origins) are served.
(function () {
  var allowedOrigins = )html";
    constexpr std::string_view tail = R"html(;
  // "*" allows all; "scheme://host:*" any port of that host, its default one included.
  function allowed(origin) {
    return allowedOrigins.some(function (entry) {
      if (entry === '*' || entry === origin) return true;
      if (entry.slice(-2) !== ':*') return false;
      var base = entry.slice(0, -2);
      return origin === base || (origin.indexOf(base + ':') === 0 && /^[0-9]+$/.test(origin.slice(base.length + 1)));
    });
  }
  function titleCase(name) {
    return name.split('-').map(function (p) { return p.charAt(0).toUpperCase() + p.slice(1); }).join('-');
  }
  // Browsers give lower-case names; clients read them as servers spell them.
  var spellings = { 'www-authenticate': ['WWW-Authenticate'], 'x-ms-diagnostics': ['X-Ms-diagnostics'] };
  function headerBlock(xhr) {
    var lines = [];
    xhr.getAllResponseHeaders().split('\r\n').forEach(function (line) {
      var colon = line.indexOf(':');
      if (colon <= 0) return;
      var name = line.slice(0, colon).toLowerCase(), rest = line.slice(colon);
      lines.push(titleCase(name) + rest);
      (spellings[name] || []).forEach(function (n) { lines.push(n + rest); });
    });
    return lines.join('\r\n');
  }
  window.addEventListener('message', function (event) {
    var request;
    try { request = typeof event.data === 'string' ? JSON.parse(event.data) : event.data; } catch (e) { return; }
    if (!request || !request.type || !request.url) return;
    if (!allowed(event.origin)) {
      // Nothing is sent; the page learns why, as a real server's 403 tells UCWA's web library.
      if (event.origin !== 'null') event.source.postMessage(JSON.stringify({
        messageId: request.messageId, status: 403, statusText: 'Forbidden',
        headers: 'Content-Type: application/json; charset=utf-8\r\nX-Ms-diagnostics: 1;reason="The origin ' +
                 event.origin + ' is not on the allowed list of ucwa-mock (--xframe-origins)."',
        responseText: JSON.stringify({ code: 'Forbidden', message: 'The origin ' + event.origin +
                 ' is not on the mock\'s list of allowed origins; see --xframe-origins.' })
      }), event.origin);
      return;
    }
    var xhr = new XMLHttpRequest();
    xhr.open(String(request.type).toUpperCase(), request.url, true);
    var headers = request.headers || {};
    Object.keys(headers).forEach(function (name) { if (headers[name]) xhr.setRequestHeader(name, headers[name]); });
    xhr.setRequestHeader('X-Ms-Origin', event.origin);
    xhr.setRequestHeader('X-Requested-With', 'XMLHttpRequest');
    xhr.onreadystatechange = function () {
      if (xhr.readyState !== 4) return;
      event.source.postMessage(JSON.stringify({
        messageId: request.messageId, status: xhr.status, statusText: xhr.statusText,
        headers: headerBlock(xhr), responseText: xhr.responseText
      }), event.origin === 'null' ? '*' : event.origin);
    };
    xhr.send(request.data === '' || request.data === undefined || request.data === null ? null : request.data);
  });
})();
</script></body></html>
)html";
    // "</" cannot occur in the list: entries hold no '<' (parse_origin_list keeps them to origins).
    std::string page;
    page.reserve(head.size() + tail.size() + 256);
    page += head;
    page += list.take();
    page += tail;
    return page;
}

} // namespace ucwa
