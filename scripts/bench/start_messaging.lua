-- wrk: the reference page's startMessaging example; UCWA_BENCH_BODY=xml sends
-- its XML body, health a GET of /__admin/health, application a GET of the Trusted
-- application resource, anything else the JSON body.
wrk.method = "POST"
wrk.path = "/v1/applications/833/communication/startMessaging"
wrk.headers["Authorization"] = "Bearer cwt=PHNhbWw6QXNzZXJ0aW9uIHhtbG5...uZm8"

if os.getenv("UCWA_BENCH_BODY") == "health" then
  -- The reference line: GET /__admin/health does no work, so it measures the HTTP plumbing alone.
  wrk.method = "GET"
  wrk.path = "/__admin/health"
  wrk.headers["Authorization"] = nil
elseif os.getenv("UCWA_BENCH_BODY") == "application" then
  -- A GET of a 1 KB JSON resource: with UCWA_BENCH_GZIP=1 the client takes gzip, to show its cost.
  wrk.method = "GET"
  wrk.path = "/v1/applications/833"
  if os.getenv("UCWA_BENCH_GZIP") == "1" then
    wrk.headers["Accept-Encoding"] = "gzip"
  end
elseif os.getenv("UCWA_BENCH_BODY") == "xml" then
  wrk.headers["Content-Type"] = "application/xml"
  wrk.body = '<?xml version="1.0" encoding="utf-8"?>\n<input xmlns="http://schemas.microsoft.com/rtc/2012/03/ucwa">\n <property name="operationId">74cb7404e0a247d5a2d4eb0376a47dbf</property>\n <property name="to">sip:john@contoso.com</property>\n <property name="importance">Normal</property>\n <property name="subject">Skype for Business</property>\n <property name="threadId">292e0aaef36c426a97757f43dda19d06</property>\n</input>'
else
  wrk.headers["Content-Type"] = "application/json"
  wrk.body = '{"operationId":"74cb7404e0a247d5a2d4eb0376a47dbf","to":"sip:john@contoso.com","importance":"Urgent","subject":"Skype for Business","threadId":"292e0aaef36c426a97757f43dda19d06","_links":{"message":{"href":"data:text/plain;base64,somebase64encodedmessage"}}}'
end

-- UCWA_BENCH_CLOSE=1: one request per connection, so over https every request pays a full handshake.
if os.getenv("UCWA_BENCH_CLOSE") == "1" then
  wrk.headers["Connection"] = "close"
end

-- Print the latency percentiles the bench reads.
done = function(summary, latency, requests)
  io.write(string.format("p50_us %d\np99_us %d\n", latency:percentile(50), latency:percentile(99)))
end
