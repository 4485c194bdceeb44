-- wrk soak: a mix of good, invalid, scripted-error and admin requests against
-- application 834. Each request names its kind in client-request-id, which the
-- mock echoes, so every answer is checked against the status its kind expects.
-- At the end: unexpected statuses, and whether the minted ids are unique and
-- contiguous (they come from one counter that only this run uses).

local token = "Bearer cwt=app-834-token"
local start = "/v1/applications/834/communication/startMessaging"
local json = "application/json"

local kinds = {
  {name = "json",      status = 201, method = "POST", path = start, type = json,
   body = '{"operationId":"74cb7404e0a247d5a2d4eb0376a47dbf","to":"sip:john@contoso.com","subject":"Skype for Business"}'},
  {name = "xml",       status = 201, method = "POST", path = start, type = "application/xml",
   body = '<?xml version="1.0" encoding="utf-8"?><input xmlns="http://schemas.microsoft.com/rtc/2012/03/ucwa"><property name="to">sip:john@contoso.com</property></input>'},
  {name = "declines",  status = 201, method = "POST", path = start, type = json, body = '{"to":"sip:declines@contoso.com"}'},
  {name = "invalid",   status = 400, method = "POST", path = start, type = json, body = '{"subject":"no recipient"}'},
  {name = "malformed", status = 400, method = "POST", path = start, type = json, body = '{"to":'},
  {name = "exists",    status = 409, method = "POST", path = start, type = json, body = '{"to":"sip:already-exists@contoso.com"}'},
  {name = "groups",    status = 409, method = "POST", path = start, type = json, body = '{"to":"sip:too-many-groups@contoso.com"}'},
  {name = "channel",   status = 500, method = "POST", path = start, type = json, body = '{"to":"sip:callback-channel-error@contoso.com"}'},
  {name = "media",     status = 415, method = "POST", path = start, type = "text/plain", body = 'hello'},
  {name = "token",     status = 401, method = "POST", path = start, type = json, body = '{"to":"sip:john@contoso.com"}', token = "Bearer nope"},
  {name = "unknown",   status = 404, method = "GET",  path = "/v1/applications/834/nowhere"},
  {name = "app",       status = 200, method = "GET",  path = "/v1/applications/834"},
  {name = "health",    status = 200, method = "GET",  path = "/__admin/health", token = ""},
  {name = "count",     status = 200, method = "POST", path = "/__admin/requests/count?app=834", type = json, body = '{"status":409}', token = ""},
}
local expected = {}
for _, k in ipairs(kinds) do expected[k.name] = k.status end

local threads = {}
function setup(thread)
  table.insert(threads, thread)
end

local counter = 0
ids = {}
unexpected = 0
seen = 0
minted = 0
duplicates = 0
first_unexpected = ""

function request()
  counter = counter + 1
  local k = kinds[(counter % #kinds) + 1]
  local headers = {["client-request-id"] = k.name}
  local auth = k.token or token
  if auth ~= "" then headers["Authorization"] = auth end
  if k.type then headers["Content-Type"] = k.type end
  return wrk.format(k.method, k.path, headers, k.body)
end

function response(status, headers, body)
  seen = seen + 1
  local kind = headers["client-request-id"]
  if expected[kind] ~= status then
    unexpected = unexpected + 1
    if first_unexpected == "" then first_unexpected = tostring(kind) .. " got " .. status end
  end
  if status == 201 then
    local id = tonumber(string.match(headers["Location"] or "", "/invitations/(%d+)$"))
    if id then
      minted = minted + 1
      if ids[id] then duplicates = duplicates + 1 end
      ids[id] = true
    end
  end
end

function done(summary, latency, requests)
  local u, s, m, d, first = 0, 0, 0, 0, ""
  local all, distinct, lo, hi = {}, 0, nil, nil
  for _, t in ipairs(threads) do
    u = u + t:get("unexpected")
    s = s + t:get("seen")
    m = m + t:get("minted")
    d = d + t:get("duplicates")
    if first == "" then first = t:get("first_unexpected") end
    for id, _ in pairs(t:get("ids")) do
      if all[id] then d = d + 1 else all[id] = true; distinct = distinct + 1 end
      if lo == nil or id < lo then lo = id end
      if hi == nil or id > hi then hi = id end
    end
  end
  -- Gaps are answers wrk cut off when its time ran out (at most one per connection).
  local gaps = lo and (hi - lo + 1 - distinct) or 0
  io.write(string.format("soak_answers %d\nsoak_unexpected %d\nsoak_minted %d\nsoak_duplicates %d\nsoak_gaps %d\nsoak_first_unexpected %s\n",
                         s, u, m, d, gaps, first))
end
