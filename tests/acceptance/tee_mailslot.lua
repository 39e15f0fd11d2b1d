-- tee-mailslot: an agent receives on one mailslot and sends each message on
-- to another, in order and whole; it stops at --count or after --timeout of
-- quiet, and its mailslot is gone then.
local tag = "ipcsh-tee-" .. ipc.self().pid
local final <close> = ipc.create_mailslot(tag .. "-b")
local agent = ipc.spawn{agent = true}
local request = agent:start(("tee-mailslot %s-a --to %s-b --count 5 --quiet"):format(tag, tag))
local into
for _ = 1, 50 do  -- until the agent has made it
  local ok, h = pcall(ipc.open_mailslot, tag .. "-a")
  if ok then into = h break end
  ipc.sleep(50)
end
assert(into, "the tee's mailslot appeared")
local sent = {}
for n = 1, 5 do
  sent[n] = ("message %d "):format(n) .. ("x"):rep(n * 100)
  into:send(sent[n])
end
for n = 1, 5 do assert(final:recv{timeout = 5000} == sent[n], "message " .. n .. " passed on whole, in order") end
local totals = ipc.result(request, {timeout = 5000})
request:close()
local bytes = 0
for n = 1, 5 do bytes = bytes + #sent[n] end
assert(totals.messages == 5 and totals.bytes == bytes, totals.messages .. " messages, " .. totals.bytes .. " bytes")
into:close()
-- quiet for --timeout: it stops with what it passed on, and its slot is gone
local quiet = ipc.on(agent, ("tee-mailslot %s-a --to %s-b --timeout 200 --quiet"):format(tag, tag))
assert(quiet.messages == 0)
expect_error("ERROR_FILE_NOT_FOUND", ipc.open_mailslot, tag .. "-a")
expect_error("--to NAME2", ipc.on, agent, "tee-mailslot " .. tag .. "-a")
expect_error("its reader creates it", ipc.on, agent, ("tee-mailslot %s-a --to %s-none"):format(tag, tag))
expect_error("ERROR_FILE_NOT_FOUND", ipc.open_mailslot, tag .. "-a")  -- (its own slot closed as it failed)
agent:close()
