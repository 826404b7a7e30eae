// One test at a time. libtorch's default random generator is process-wide (torch.manual_seed seeds it for every thread),
// and so are the peak-memory probe and the intra-op thread pool: a test that seeds, then builds two models "from one
// seed", sees another test's draws in between when classes run in parallel (seen: lab 4.2's routing-determinism check
// failing under CI). On 2 cores, with libtorch already using both, running classes in parallel bought little time.
[assembly: Xunit.CollectionBehavior(DisableTestParallelization = true)]
