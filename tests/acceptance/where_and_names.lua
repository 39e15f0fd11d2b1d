-- where NAME: where a name lands for each kind, what holds it now and what a
-- create would do; pipes and mailslots: the names that exist (under Wine,
-- which cannot list them, the ones this shell and its agents made, said so).
local tag = "ipcsh-where-" .. ipc.pid(ipc.self())
local function by(rows, key, value)
  for _, row in ipairs(rows) do
    if row[key] == value then return row end
  end
end

-- a free name: every kind would make it; kernel objects land in the session's directory
local free = ipc.where(tag .. "-free")
assert(#free == 7, "one row per kind: " .. #free)
local ev = by(free, "kind", "event")
assert(ev.lands_at:match("\\BaseNamedObjects\\" .. tag:gsub("%-", "%%-") .. "%-free$"), ev.lands_at)
assert(ev.holds_now == nil and ev.a_create_would == "makes it")
assert(by(free, "kind", "pipe").lands_at == "\\Device\\NamedPipe\\" .. tag .. "-free")
assert(by(free, "kind", "mailslot").lands_at == "\\Device\\Mailslot\\" .. tag .. "-free")

-- an event holds the name: another event opens it, a mutex cannot be made -
-- and the kernel agrees - while a mailslot of the same name can
local e <close> = ipc.create_event(tag)
local held = ipc.where(tag)
assert(by(held, "kind", "event").holds_now == "Event")
assert(by(held, "kind", "event").a_create_would:find("ERROR_ALREADY_EXISTS", 1, true))
local mutex = by(held, "kind", "mutex")
assert(mutex.holds_now == "Event" and mutex.a_create_would:find("ERROR_INVALID_HANDLE", 1, true), mutex.a_create_would)
expect_error("ERROR_INVALID_HANDLE", ipc.create_mutex, tag)
assert(by(held, "kind", "mailslot").a_create_would == "makes it")
local slot <close> = ipc.create_mailslot(tag)
local both = ipc.where(tag)
assert(by(both, "kind", "mailslot").holds_now == "a mailslot")
assert(by(both, "kind", "mailslot").a_create_would:find("ERROR_ALREADY_EXISTS", 1, true))
expect_error("ERROR_ALREADY_EXISTS", ipc.create_mailslot, tag)

-- Global\ lands in the machine's directory, Local\ in the session's
local global = by(ipc.where("Global\\" .. tag), "kind", "event")
assert(global.lands_at == "\\BaseNamedObjects\\" .. tag, global.lands_at)
assert(by(ipc.where("Local\\" .. tag), "kind", "event").holds_now == "Event")
expect_error("NAME: a short name", ipc.where, "a\\b")

-- pipes and mailslots: ours are there, by the kernel's list or by ours
local p <close> = ipc.create_pipe(tag .. "-pipe")
local kid <close> = ipc.spawn{agent = true}
kid:run("theirs = create-pipe " .. tag .. "-agent")
local pipes = ipc.pipes()
local mine, theirs = by(pipes, "name", tag .. "-pipe"), by(pipes, "name", tag .. "-agent")
assert(mine and theirs, "both pipes listed")
local slots = ipc.mailslots()
assert(by(slots, "name", tag), "the mailslot listed")
-- where the kernel cannot list, who made each is said
if mine.made_by then
  assert(mine.made_by == "this shell", mine.made_by)
  assert(theirs.made_by == ("agent (pid %d)"):format(ipc.pid(kid)), theirs.made_by)
  ipc.vars.kid = kid  -- held by a shell variable, the agent is named by it
  assert(by(ipc.pipes(), "name", tag .. "-agent").made_by == ("agent $kid (pid %d)"):format(ipc.pid(kid)))
  assert(theirs.value and theirs.value > 0)
end

-- a mailslot passed to an agent is listed there as passed, not as made there
local passed_slot <close> = ipc.create_mailslot(tag .. "-passed")
local kid2 <close> = ipc.spawn{agent = true, pass = {slot = passed_slot}}
local theirs_slots = kid2:run("mailslots")
local row = by(theirs_slots, "name", tag .. "-passed")
assert(row, "the passed mailslot listed in the agent")
if row.made_by then assert(row.made_by == "this shell (passed to it)", row.made_by) end
