// The MPI communicator nabla's collectives run over (data-parallel training).
//
// nabla joins MPI by itself when it was launched by mpirun (OpenMPI's or a PMI
// launcher's environment) or when MPI was already initialized (mpi4py imported
// first: then nabla uses MPI_COMM_WORLD and leaves MPI_Finalize to mpi4py).
// Otherwise, and in a build without MPI (CMake NABLA_MPI=OFF), there is one
// process: rank 0 of 1, and every collective is the identity, so the same
// program runs with and without mpirun. NABLA_MPI=0 in the environment keeps a
// process out of MPI even under mpirun.
//
// Threads: nabla calls MPI only from the thread that runs a compiled function
// (kernels' OpenMP threads never do), and functions are serialized by their
// locks, so it asks for MPI_THREAD_SERIALIZED.
//
// Only rank 0 writes to stdout: ranks > 0 point their stdout at /dev/null when
// they join (NABLA_MPI_STDOUT=all keeps every rank's), so the book's prints and a
// user's print() appear once; stderr stays open on every rank.
#pragma once
#include <cstdint>
#include <string>

#include "core/tensor.hpp"

namespace nabla::distributed {

bool built_with_mpi();
int rank();  // 0 when not distributed
int size();  // 1 when not distributed
inline bool active() { return size() > 1; }
// "MPI rank r of N (thread level ...)" or why there is one process.
std::string describe();

// Collectives in place over the current communicator; counted in stats().
// Float32/64, Int32/64 tensors (contiguous). Identity with one process.
enum class Reduce { Sum, Mean };
void allreduce(Tensor& t, Reduce op);
void allreduce(double* values, int64_t n);  // sum (evaluation counts)
void broadcast(Tensor& t, int root);
// Sum onto `root`; zeros on every other rank (broadcast's adjoint).
void reduce_to_root(Tensor& t, int root);
// Checks 0 <= root < size() (ValueError naming both).
void check_root(int root, const char* what);

struct Stats {
  int64_t calls = 0;  // collective calls
  int64_t bytes = 0;  // payload bytes this rank contributed
};
Stats stats();
void reset_stats();

// Ends the whole job now (MPI_Abort) after printing `why` to stderr with this
// rank: a failing rank must not leave the others waiting in a collective. Does
// nothing when not distributed (the caller then exits as usual).
void abort_job(const std::string& why, int code = 1);

// While alive, this thread's collectives see a one-process communicator
// (MPI_COMM_SELF): rank 0 of 1, identities. For a reference computation on one
// rank, or work only rank 0 does. Not nestable across threads.
class LocalScope {
 public:
  LocalScope();
  ~LocalScope();
  LocalScope(const LocalScope&) = delete;
  LocalScope& operator=(const LocalScope&) = delete;

 private:
  bool was_local_;
};

}  // namespace nabla::distributed
