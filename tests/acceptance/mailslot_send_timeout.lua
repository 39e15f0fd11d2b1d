-- send --timeout to a full mailslot is kept: Wine's queue holds ~277
-- messages, then a synchronous WriteFile would block for good; with a bound
-- the write is overlapped and cancelled, and fails with WAIT_TIMEOUT.
local name = "msto-" .. ipc.pid(ipc.self())
local slot = ipc.create_mailslot(name)
local w = ipc.open_mailslot(name)
local sent, err, failed_after = 0, nil, nil
for i = 1, 300 do
  local started = os.time()
  local ok, e = pcall(ipc.send, w, "m" .. i, {timeout = 200})
  if not ok then
    err, failed_after = e, os.time() - started
    break
  end
  sent = sent + 1
end
if sent == 300 then skip("this system's mailslot took 300 messages (no queue limit to hit)") end
assert(err and type(err) == "table", "the first failing send raises an error object: " .. tostring(err))
assert(err.name == "WAIT_TIMEOUT" and err.code == 258 and err.api == "WriteFile",
       ("%s %s %s"):format(tostring(err.name), tostring(err.code), tostring(err.api)))
assert(failed_after <= 5, "failed within 5 s, not blocked")
assert(sent >= 200 and sent <= 300, "about 277 sent before the slot was full: " .. sent)
-- the shell goes on: the reader has every message that was sent, in order,
-- and none of the cancelled one
assert(ipc.recv(slot, {timeout = 1000}) == "m1")
assert(ipc.send(w, "after", {timeout = 200}) == 5, "room again after one read")
-- drain it: m2..m<sent>, then "after"; the cancelled message is not there
local got = {}
while true do
  local ok, m = pcall(ipc.recv, slot, {timeout = 0})
  if not ok then break end
  got[#got + 1] = m
end
assert(#got == sent, ("%d messages queued, %d sent"):format(#got, sent))
assert(got[1] == "m2" and got[sent - 1] == "m" .. sent and got[sent] == "after", got[sent - 1] .. " " .. got[sent])
w:close(); slot:close()
