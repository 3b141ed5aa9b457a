// The communicator behind nabla's collectives: MPI when built with it and
// launched by mpirun, else one process where every collective is the identity.
#include "core/distributed.hpp"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>

#include "core/error.hpp"

#ifdef NABLA_HAVE_MPI
#include <fcntl.h>
// The C API only: OpenMPI's deprecated C++ bindings would need libmpi_cxx.
#define OMPI_SKIP_MPICXX 1
#define MPICH_SKIP_MPICXX 1
#include <mpi.h>
#include <unistd.h>
#endif

namespace nabla::distributed {

namespace {

Stats g_stats;
thread_local bool t_local = false;  // LocalScope: this thread sees one process

#ifdef NABLA_HAVE_MPI
struct World {
  bool joined = false;  // MPI is initialized and we use it
  bool we_initialized = false;
  int rank = 0, size = 1, thread_level = 0;
};

// mpirun (OpenMPI), or a PMI launcher (MPICH's hydra, slurm), set these.
bool launched_by_mpirun() {
  for (const char* v : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK"})
    if (std::getenv(v)) return true;
  return false;
}

void finalize_at_exit() {
  int finalized = 0;
  MPI_Finalized(&finalized);
  if (!finalized) MPI_Finalize();
}

const World& world() {
  static World w;
  static std::once_flag once;
  std::call_once(once, [] {
    const char* off = std::getenv("NABLA_MPI");
    if (off && std::string(off) == "0") return;
    int initialized = 0;
    MPI_Initialized(&initialized);
    if (!initialized) {
      if (!launched_by_mpirun()) return;
      int provided = 0;
      if (MPI_Init_thread(nullptr, nullptr, MPI_THREAD_SERIALIZED, &provided) != MPI_SUCCESS)
        throw Error("nabla: MPI_Init_thread failed");
      w.we_initialized = true;
      std::atexit(finalize_at_exit);
    }
    MPI_Query_thread(&w.thread_level);
    MPI_Comm_rank(MPI_COMM_WORLD, &w.rank);
    MPI_Comm_size(MPI_COMM_WORLD, &w.size);
    w.joined = true;
    const char* out = std::getenv("NABLA_MPI_STDOUT");
    if (w.rank > 0 && !(out && std::string(out) == "all")) {
      std::fflush(stdout);
      const int fd = open("/dev/null", O_WRONLY);
      if (fd >= 0) dup2(fd, STDOUT_FILENO), close(fd);
    }
  });
  return w;
}

bool use_mpi() { return !t_local && world().joined && world().size > 1; }

MPI_Datatype mpi_type(DType d) {
  switch (d) {
    case DType::Float32: return MPI_FLOAT;
    case DType::Float64: return MPI_DOUBLE;
    case DType::Int32: return MPI_INT32_T;
    case DType::Int64: return MPI_INT64_T;
    default: throw TypeError(std::string("nabla: collectives take float32/64 or int32/64 tensors, got ") + dtype_name(d));
  }
}

void check(int rc, const char* what) {
  if (rc != MPI_SUCCESS) throw Error(std::string("nabla: ") + what + " failed (MPI error " + std::to_string(rc) + ")");
}
#endif

void count(int64_t bytes) {
  ++g_stats.calls;
  g_stats.bytes += bytes;
}

template <class T> void scale(Tensor& t, double s) {
  T* p = t.data<T>();
  for (int64_t i = 0; i < t.size(); ++i) p[i] = T(p[i] * s);
}

}  // namespace

bool built_with_mpi() {
#ifdef NABLA_HAVE_MPI
  return true;
#else
  return false;
#endif
}

int rank() {
#ifdef NABLA_HAVE_MPI
  return use_mpi() ? world().rank : 0;
#else
  return 0;
#endif
}

int size() {
#ifdef NABLA_HAVE_MPI
  return use_mpi() ? world().size : 1;
#else
  return 1;
#endif
}

std::string describe() {
#ifdef NABLA_HAVE_MPI
  const World& w = world();
  if (!w.joined) return "one process (not launched by mpirun)";
  if (t_local) return "one process (LocalScope)";
  static const char* levels[] = {"single", "funneled", "serialized", "multiple"};
  const int l = w.thread_level;
  return "MPI rank " + std::to_string(w.rank) + " of " + std::to_string(w.size) + " (thread level " +
         (l >= 0 && l <= 3 ? levels[l] : "?") + ")";
#else
  return "one process (built without MPI)";
#endif
}

void check_root(int root, const char* what) {
  if (root < 0 || root >= size())
    throw ValueError(std::string("nabla: ") + what + ": root " + std::to_string(root) + " is not a rank of " +
                     std::to_string(size()) + " process" + (size() == 1 ? "" : "es"));
}

void allreduce(Tensor& t, Reduce op) {
  if (size() == 1) return;
#ifdef NABLA_HAVE_MPI
  count(int64_t(t.nbytes()));
  check(MPI_Allreduce(MPI_IN_PLACE, t.raw(), int(t.size()), mpi_type(t.dtype()), MPI_SUM, MPI_COMM_WORLD),
        "MPI_Allreduce");
  if (op == Reduce::Mean) {
    const double s = 1.0 / double(size());
    if (t.dtype() == DType::Float32) scale<float>(t, s);
    else if (t.dtype() == DType::Float64) scale<double>(t, s);
    else throw TypeError("nabla: allreduce mean of an integer tensor (use sum)");
  }
#endif
}

void allreduce(double* values, int64_t n) {
  if (size() == 1) return;
#ifdef NABLA_HAVE_MPI
  count(n * int64_t(sizeof(double)));
  check(MPI_Allreduce(MPI_IN_PLACE, values, int(n), MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD), "MPI_Allreduce");
#endif
}

void broadcast(Tensor& t, int root) {
  if (size() == 1) return;
  check_root(root, "broadcast");
#ifdef NABLA_HAVE_MPI
  count(rank() == root ? int64_t(t.nbytes()) : 0);  // only the root sends
  check(MPI_Bcast(t.raw(), int(t.size()), mpi_type(t.dtype()), root, MPI_COMM_WORLD), "MPI_Bcast");
#endif
}

void reduce_to_root(Tensor& t, int root) {
  if (size() == 1) return;
  check_root(root, "reduce_to_root");
#ifdef NABLA_HAVE_MPI
  count(int64_t(t.nbytes()));
  const bool me = rank() == root;
  check(MPI_Reduce(me ? MPI_IN_PLACE : t.raw(), t.raw(), int(t.size()), mpi_type(t.dtype()), MPI_SUM, root,
                   MPI_COMM_WORLD),
        "MPI_Reduce");
  if (!me) std::memset(t.raw(), 0, t.nbytes());
#endif
}

Stats stats() { return g_stats; }
void reset_stats() { g_stats = Stats{}; }

void abort_job(const std::string& why, int code) {
#ifdef NABLA_HAVE_MPI
  if (!world().joined || world().size == 1) return;
  std::fprintf(stderr, "nabla: rank %d of %d failed, ending the MPI job: %s\n", world().rank, world().size,
               why.c_str());
  std::fflush(stderr);
  MPI_Abort(MPI_COMM_WORLD, code);
#else
  (void)why;
  (void)code;
#endif
}

LocalScope::LocalScope() : was_local_(t_local) { t_local = true; }
LocalScope::~LocalScope() { t_local = was_local_; }

}  // namespace nabla::distributed
