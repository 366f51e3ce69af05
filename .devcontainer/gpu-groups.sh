#!/usr/bin/env bash
# Gives the container's user the groups that own the GPU device nodes passed in from the host
# (/dev/kfd and /dev/dri/*: the video and render groups). The render group's id differs between
# hosts, and docker run --group-add resolves names against the container's /etc/group, not the
# host's, so this reads each device's group id and adds the user to a group with that id,
# creating one where the image has none. Run as root by onCreateCommand (before VS Code starts
# its server, whose processes then carry the groups). Usage: gpu-groups.sh USER
set -euo pipefail

user=${1:?usage: gpu-groups.sh USER}
found=0
for device in /dev/kfd /dev/dri/card* /dev/dri/renderD*; do
  [ -e "$device" ] || continue
  found=1
  gid=$(stat -c %g "$device")
  [ "$gid" = 0 ] && continue
  group=$(getent group "$gid" | cut -d: -f1 || true)
  if [ -z "$group" ]; then
    group=host-gpu-$gid
    groupadd --gid "$gid" "$group"
  fi
  if ! id -nG "$user" | tr ' ' '\n' | grep -qx "$group"; then
    usermod -aG "$group" "$user"
    echo "gpu-groups: $user joins $group (gid $gid, owner of $device)"
  fi
done
if [ "$found" = 0 ]; then
  echo "gpu-groups: no /dev/kfd or /dev/dri devices in this container: the GPU is not passed in" >&2
  echo "gpu-groups: PyTorch will run on the CPU; see docs/containers.md, 'The GPU is not seen'" >&2
fi
