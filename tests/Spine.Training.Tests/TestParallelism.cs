// TorchSharp's freed-Scalar hazard is held off by a process-wide no-GC region around each training step (GcGuard); a
// test allocating heavily beside it (phantom data sets, another training run) exhausts the region's budget and lets a
// collection free the temporaries mid-step. Seen about once in six full CI runs before the tests ran one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
