#!/usr/bin/env python3
"""The GPU machine's run as one Markdown report (bench/gpu-machine/run.sh calls it): for each model size
measured, the engine (bf16 and int8 weights) and PyTorch (fp32 eager, bf16 eager, bf16 compiled) per shape
of work, the engine's dispatches and submits, load time and GPU memory, its matmuls' FLOP/s against the
chip's fp32 peak, and agreement.

    report.py DIR    # reads DIR/engine-<size>-<dtype>.json, DIR/torch-<size>.json, DIR/gpu.csv; writes DIR/report.md
"""
import csv
import json
import os
import sys

# fp32 (non-tensor-core) peak, TFLOP/s, from NVIDIA's datasheets; matched against nvidia-smi's name.
FP32_PEAK_TFLOPS = [("H200", 66.9), ("H100 PCIe", 51.2), ("H100 NVL", 60.0), ("H100", 66.9), ("A100", 19.5)]


def load(path):
    return json.load(open(path)) if os.path.exists(path) else None


def cell(ms, tokens_per_second):
    return "-" if ms is None else f"{ms:.2f} ms ({tokens_per_second:,.0f} tok/s)"


def size_report(size, engines, torch, gpu):
    """One model size's section: its table, then the engine's and PyTorch's details."""
    name = gpu.get("name", "unknown GPU")
    peak = next((tflops for key, tflops in FP32_PEAK_TFLOPS if key in name), None)
    workloads = list(engines[0]["workloads"]) if engines else ["1x20", "1x512", "8x512", "32x256"]
    lines = [f"# C2LLM-{size.upper()} shapes ({engines[0]['layers'] if engines else '?'} layers, random weights: int8 rows with power-of-two scales, and as bf16 the same values) on {name}",
             "", f"Driver {gpu.get('driver_version', '?')}, {gpu.get('memory.total', '?')}; "
             f"PyTorch {torch['torch'] if torch else '?'}; date {engines[0]['date'] if engines else '?'}. Medians of the runs.", "",
             "| | " + " | ".join(workloads) + " |", "|---|" + "---|" * len(workloads)]
    for e in engines:
        lines.append(f"| this engine, WebGPU (Dawn/Vulkan), {e['dtype']} weights | "
                     + " | ".join(cell(e["workloads"][w].get("msPerPass"), e["workloads"][w].get("tokensPerSecond") or 0) for w in workloads) + " |")
    for variant, results in (torch or {}).get("variants", {}).items():
        if "note" in results:
            lines.append(f"| PyTorch {variant} | {results['note']} |" + " |" * (len(workloads) - 1))
            continue
        lines.append(f"| PyTorch {variant} | " + " | ".join(cell(results[w]["msPerPass"], results[w]["tokensPerSecond"]) if w in results else "-" for w in workloads) + " |")
    lines.append("")
    for e in engines:
        adapter = e["adapter"]
        limits = adapter["limits"]
        lines.append(f"- Engine ({e['dtype']}): adapter {adapter['info']}; shader-f16 {'shader-f16' in adapter['features']}, "
                     f"subgroups {'subgroups' in adapter['features']}; maxStorageBufferBindingSize {limits.get('maxStorageBufferBindingSize'):,}, "
                     f"maxBufferSize {limits.get('maxBufferSize'):,}, maxComputeWorkgroupStorageSize {limits.get('maxComputeWorkgroupStorageSize'):,}.")
        passes = ", ".join(f"{w} {e['workloads'][w]['dispatches']} dispatches / {e['workloads'][w]['submits']} submits"
                           for w in workloads if "dispatches" in e["workloads"][w])
        lines.append(f"  Per pass: {passes}. Peak GPU memory {e['extras']['peakGpuMemoryMiB']:.0f} MiB; load {e['loadSeconds']:.1f} s.")
        p = e["profile"]
        share = f" = {p['linearGflops'] / 1000 / peak:.1%} of the chip's fp32 peak ({peak} TFLOP/s)" if peak else ""
        lines.append(f"  One profiled pass of {p['sequences']}x{p['tokens'] // p['sequences']} tokens: matmuls {p['linearGflops']:,.1f} GFLOP/s{share}; "
                     f"matmuls are {p['matmulShare']:.0%} of the kernel time.")
        lines.append(f"  Against the float64 goldens (fixtures), lowest cosine: " + ", ".join(f"{k} {v:.7f}" for k, v in e["exactness"].items()) + ".")
    if torch and "peakMemoryMiB" in torch:
        lines.append(f"- PyTorch's peak GPU memory {torch['peakMemoryMiB']:.0f} MiB.")
    for row in (torch or {}).get("agreement", []):
        lines.append(f"- Agreement, {row['tokens']}-token probe: {row['engine']} against PyTorch {row['torch']}: cosine {row['cosine']:.7f}")
    return lines


def main():
    folder = sys.argv[1]
    gpu = next(csv.DictReader(open(os.path.join(folder, "gpu.csv")), skipinitialspace=True), {}) if os.path.exists(os.path.join(folder, "gpu.csv")) else {}
    lines = []
    for size in ("0.5b", "7b"):
        engines = [e for e in (load(os.path.join(folder, f"engine-{size}-{d}.json")) for d in ("bf16", "int8")) if e]
        torch = load(os.path.join(folder, f"torch-{size}.json"))
        if engines or torch:
            lines += size_report(size, engines, torch, gpu) + [""]
    report = "\n".join(lines)
    with open(os.path.join(folder, "report.md"), "w") as f:
        f.write(report)
    print(report)


if __name__ == "__main__":
    main()
