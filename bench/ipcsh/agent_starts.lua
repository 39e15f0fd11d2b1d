-- bench/ipcsh/agent_starts.lua [N]: starts N agents (default 128) one after
-- another, keeping them all, and times each start (spawn --agent and its
-- first answer): does the Nth start take as long as the first? Prints the
-- median of the first 5 starts, of the last 5, and their ratio (issue 16:
-- within 1.3x). os.clock is the C runtime's clock(): wall time on Windows.
local n = tonumber(arg[1]) or 128
local kids, took = {}, {}
for i = 1, n do
  local started = os.clock()
  kids[i] = ipc.spawn{agent = true}
  assert(kids[i]:run("echo up") == "up")
  took[i] = os.clock() - started
end
local function median(from, to)
  local t = {}
  for i = from, to do t[#t + 1] = took[i] end
  table.sort(t)
  return t[(#t + 1) // 2]
end
local first, last = median(1, math.min(5, n)), median(math.max(1, n - 4), n)
print(("agent starts: %d agents; first 5 %.0f ms, last 5 %.0f ms (median), ratio %.2f; slowest %.0f ms"):format(
  n, first * 1000, last * 1000, last / first, math.max(table.unpack(took)) * 1000))
if arg[2] == "steps" then
  for i = 16, n, 16 do io.write(("%d: %.0f ms  "):format(i, median(i - 4, i) * 1000)) end
  print()
end
for i = 1, n do kids[i]:close() end
