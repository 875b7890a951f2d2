#!/usr/bin/env bash
# The GPU check of the segmenter and the pipeline (issue 23), for a machine with an NVIDIA GPU, the .NET SDK and the
# NuGet feed:
#   1. publishes spine with ONNX Runtime's CUDA build (OnnxRuntimeFlavor=Gpu; CUDA 13 and cuDNN 9 on the machine);
#   2. spine bench cuda: the segmenter on CUDA against the CPU on a phantom study (every class probability within 1e-3,
#      each structure's label map Dice >= 0.999) and its latency per slice at batch 1, 8, 32 and 128;
#   3. spine bench throughput with the segmenter on CUDA: STUDIES studies at once through the embedded pipeline
#      (studies per hour, latency percentiles, time per stage, the models-alone ceiling), while nvidia-smi samples the
#      GPU's utilisation and memory every 500 ms.
# Everything it measures lands in OUT (default gpu-check/): cuda.md, throughput.md, utilisation.csv, summary.md.
#
#   tests/gpu/check.sh [OUT]
#   SPINE_GPU_CHECK_DEVICE=cpu tests/gpu/check.sh OUT   rehearse on a machine without a GPU: the CPU build, the CPU as
#                                                       the device, no nvidia-smi (everything but the CUDA step)
#   SPINE_GPU_CHECK_SPINE=PATH                          run this spine (a program, or a spine.dll) instead of publishing
#   SPINE_GPU_CHECK_STUDIES=N (100), SPINE_GPU_CHECK_CONCURRENCY=C (8), SPINE_GPU_CHECK_BATCHES="1 8 32 128"
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
out=$(mkdir -p "${1:-gpu-check}" && cd "${1:-gpu-check}" && pwd)
device=${SPINE_GPU_CHECK_DEVICE:-cuda}
studies=${SPINE_GPU_CHECK_STUDIES:-100}
concurrency=${SPINE_GPU_CHECK_CONCURRENCY:-8}
read -r -a batches <<<"${SPINE_GPU_CHECK_BATCHES:-1 8 32 128}"
log() { printf '[gpu-check] %s\n' "$*" >&2; }

case "$device" in
  cuda) flavour=Gpu provider=Cuda ;;
  cpu) flavour=Cpu provider=Cpu ;;
  *) log "SPINE_GPU_CHECK_DEVICE is '$device': cuda or cpu"; exit 2 ;;
esac
if [ "$device" = cuda ] && ! command -v nvidia-smi >/dev/null; then
  log "nvidia-smi not found: this machine shows no NVIDIA GPU (SPINE_GPU_CHECK_DEVICE=cpu rehearses without one)"
  exit 3
fi

spine=()
if [ -n "${SPINE_GPU_CHECK_SPINE:-}" ]; then
  case "$SPINE_GPU_CHECK_SPINE" in *.dll) spine=(dotnet "$SPINE_GPU_CHECK_SPINE") ;; *) spine=("$SPINE_GPU_CHECK_SPINE") ;; esac
else
  log "publishing spine with ONNX Runtime's $flavour build"
  dotnet publish "$root/spine-platform/Spine.Cli/Spine.Cli.csproj" -c Release -p:OnnxRuntimeFlavor="$flavour" -o "$out/spine" --nologo -v quiet >&2
  spine=("$out/spine/spine")
fi

if [ "$device" = cuda ]; then
  nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader >"$out/gpu.txt"
  log "GPU: $(cat "$out/gpu.txt")"
fi

log "spine bench cuda --device $device --batches ${batches[*]}"
cuda_status=0
"${spine[@]}" bench cuda --device "$device" --batches "${batches[@]}" >"$out/cuda.md" || cuda_status=$?

sampler=""
if command -v nvidia-smi >/dev/null && [ "$device" = cuda ]; then
  nvidia-smi --query-gpu=utilization.gpu,memory.used --format=csv,noheader,nounits -lms 500 >"$out/utilisation.csv" &
  sampler=$!
fi
log "spine bench throughput --studies $studies --concurrency $concurrency (segmenter on $provider)"
throughput_status=0
Spine__Models__ExecutionProvider=$provider "${spine[@]}" bench throughput --studies "$studies" --concurrency "$concurrency" >"$out/throughput.md" || throughput_status=$?
if [ -n "$sampler" ]; then kill "$sampler" 2>/dev/null || true; wait "$sampler" 2>/dev/null || true; fi

{
  echo "# GPU check ($device), $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo
  [ -f "$out/gpu.txt" ] && echo "GPU: $(cat "$out/gpu.txt")" && echo
  echo "## spine bench cuda (exit $cuda_status)"
  echo
  cat "$out/cuda.md"
  echo
  echo "## spine bench throughput (exit $throughput_status)"
  echo
  cat "$out/throughput.md"
  if [ -s "$out/utilisation.csv" ]; then
    echo
    awk -F', *' '{ u += $1; if ($1 > umax) umax = $1; if ($2 > mmax) mmax = $2; n++ }
      END { printf "GPU utilisation during the throughput run: mean %.0f %%, peak %d %% over %d samples; peak memory %d MiB\n", u / n, umax, n, mmax }' "$out/utilisation.csv"
  fi
} >"$out/summary.md"
cat "$out/summary.md"
exit $((cuda_status != 0 ? cuda_status : throughput_status))
