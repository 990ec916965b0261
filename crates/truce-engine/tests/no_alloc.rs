//! The weekly loop does not allocate: a counting global allocator wraps the system one and
//! `Sim::run` must make zero allocations after a warm-up run.
//!
//! This holds for the default collective model `mean`. `collective_model = "median"` calls
//! `truce_bargain::median::weighted_median`, which allocates (it sorts a copy), so it is not
//! checked here.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicUsize, Ordering};
use truce_engine::builtin;
use truce_engine::load::load_str;
use truce_engine::scenario::CollectiveModel;
use truce_engine::sim::{NoObserver, Sim};

struct Counting;

static ALLOCS: AtomicUsize = AtomicUsize::new(0);
thread_local! {
    /// Counting is per thread, so the test harness's own threads never count.
    static COUNTING: Cell<bool> = const { Cell::new(false) };
}

fn counting() -> bool {
    COUNTING.try_with(Cell::get).unwrap_or(false)
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if counting() {
            ALLOCS.fetch_add(1, Ordering::Relaxed);
        }
        unsafe { System.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if counting() {
            ALLOCS.fetch_add(1, Ordering::Relaxed);
        }
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if counting() {
            ALLOCS.fetch_add(1, Ordering::Relaxed);
        }
        unsafe { System.realloc(ptr, layout, new_size) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// The count is global: the tests take turns.
static TURN: std::sync::Mutex<()> = std::sync::Mutex::new(());

#[test]
fn weekly_loop_does_not_allocate() {
    let _turn = TURN.lock().unwrap_or_else(|e| e.into_inner());
    for name in builtin::names() {
        let p = load_str(name, builtin::builtin(name).unwrap()).unwrap().params;
        assert_eq!(p.collective_model, CollectiveModel::Mean, "{name}: this check covers the mean model");
        let mut sim = Sim::new(&p);
        // Warm-up: lets every buffer reach its working capacity.
        let _ = sim.run(1, 0, &mut NoObserver);
        let mut rounds = 0;
        ALLOCS.store(0, Ordering::SeqCst);
        COUNTING.with(|c| c.set(true));
        for r in 0..50u64 {
            let s = sim.run(2, r, &mut NoObserver);
            rounds += s.rounds;
        }
        COUNTING.with(|c| c.set(false));
        let n = ALLOCS.load(Ordering::SeqCst);
        assert!(rounds > 0, "{name}: no talk round ran, the check would be vacuous");
        assert_eq!(n, 0, "{name}: {n} heap allocations in 50 runs of Sim::run after warm-up");
    }
}

#[test]
fn stepping_does_not_allocate() {
    let _turn = TURN.lock().unwrap_or_else(|e| e.into_inner());
    for name in builtin::names() {
        let p = load_str(name, builtin::builtin(name).unwrap()).unwrap().params;
        let mut sim = Sim::new(&p);
        // Warm-up: the runs' own buffers are allocated once, as a particle filter does.
        let _ = sim.run(1, 0, &mut NoObserver);
        let mut a = sim.start(1, 0);
        let mut b = a.clone();
        ALLOCS.store(0, Ordering::SeqCst);
        COUNTING.with(|c| c.set(true));
        let mut weeks = 0;
        for r in 0..20u64 {
            sim.restart(&mut a, 2, r);
            for until in [3, 10, 40, 200] {
                sim.advance(&mut a, until, &mut NoObserver);
                b.clone_from(&a);
                sim.refresh();
                sim.advance(&mut b, until + 5, &mut NoObserver);
            }
            weeks += a.week();
        }
        COUNTING.with(|c| c.set(false));
        let n = ALLOCS.load(Ordering::SeqCst);
        assert!(weeks > 0, "{name}: no week simulated, the check would be vacuous");
        assert_eq!(n, 0, "{name}: {n} heap allocations while stepping 20 runs after warm-up");
    }
}
