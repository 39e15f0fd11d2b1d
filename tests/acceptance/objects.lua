-- objects DIR: an object directory's entries as the kernel lists them
-- (NtQueryDirectoryObject), with types, links' targets, a type filter and
-- recursion; errors as the kernel gave them.
local tag = "ipcsh-objects-" .. ipc.pid(ipc.self())
local ev <close> = ipc.create_event(tag .. "-event")
local mx <close> = ipc.create_mutex(tag .. "-mutex")
local map <close> = ipc.create_mapping(tag .. "-section", {size = 4096})

local function find(rows, name)
  for _, row in ipairs(rows) do
    if row.name == name then return row end
  end
end

-- the session's named objects by default: ours are there, with the kernel's type names
local here = ipc.objects()
assert(find(here, tag .. "-event").type == "Event", "event listed")
assert(find(here, tag .. "-mutex").type == "Mutant", "mutex listed as the kernel's Mutant")
assert(find(here, tag .. "-section").type == "Section", "mapping listed as a Section")
assert(find(here, tag .. "-event").target == nil, "only links have targets")

-- --type keeps one type (any case)
local events = ipc.objects(nil, {type = "event"})
assert(find(events, tag .. "-event"), "the event stays")
assert(not find(events, tag .. "-mutex"), "the mutex is filtered out")
for _, row in ipairs(events) do assert(row.type == "Event", row.name .. " is a " .. row.type) end

-- the root: directories and a symbolic link with its target
local root = ipc.objects("\\")
assert(find(root, "BaseNamedObjects").type == "Directory")
assert(find(root, "Sessions").type == "Directory")
local dos = find(root, "DosDevices")
assert(dos and dos.type == "SymbolicLink" and dos.target == "\\??", "DosDevices -> \\?? : " .. tostring(dos and dos.target))

-- --recurse: names below DIR as DIR\NAME; our event is under the session's directory
local below = ipc.objects("\\Sessions", {recurse = true, type = "Event"})
local found
for _, row in ipairs(below) do
  if row.name:match("^%d+\\BaseNamedObjects\\" .. tag:gsub("%-", "%%-") .. "%-event$") then found = row end
end
assert(found and found.type == "Event", "the event found below \\Sessions")

-- the kernel's errors: the Win32 code, with the NTSTATUS named
local err = expect_error("ERROR_FILE_NOT_FOUND", ipc.objects, "\\no-such-directory-" .. tag)
assert(err.api == "NtOpenDirectoryObject", err.api)
assert(tostring(err):find("STATUS_OBJECT_NAME_NOT_FOUND", 1, true), tostring(err))
-- a listed object that is no directory (\REGISTRY is a Key)
local e2 = expect_error("NtOpenDirectoryObject", ipc.objects, "\\REGISTRY")
assert(tostring(e2):find("STATUS_OBJECT_TYPE_MISMATCH", 1, true), tostring(e2))
-- not a path
expect_error("DIR: an object directory path starting with \\", ipc.objects, "BaseNamedObjects")

-- a name longer than the first buffer (possible under Wine; Windows caps an
-- event's name at MAX_PATH): the listing grows its buffer, never fails
local ok, long = pcall(ipc.create_event, tag .. "-" .. ("x"):rep(3000))
if ok then
  local rows = ipc.objects(nil, {type = "Event"})
  assert(find(rows, tag .. "-" .. ("x"):rep(3000)), "the long name listed")
  long:close()
end
