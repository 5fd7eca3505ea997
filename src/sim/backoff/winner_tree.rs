//! The contention model's event queue: a winner (tournament) tree over the clients.
//!
//! Each client has at most one pending event, so the queue is a fixed array of one key per
//! client, and each inner node of a complete binary tree holds the smallest key below it.
//! The earliest event is the root, and replacing a client's key walks one path to the root
//! taking the smaller of two siblings at each level, without the unpredictable branches of
//! a binary heap's sift-down; in the sweep this halved the cost of the queue.

/// The key of a client with nothing pending.
const IDLE: u64 = u64::MAX;

#[derive(Debug, Clone)]
pub struct WinnerTree {
    /// Leaves start here: the number of leaves, a power of two.
    leaves: usize,
    /// `nodes[1]` is the root, `nodes[i]` has children `2i` and `2i + 1`, and leaf `c` is
    /// `nodes[leaves + c]`. `nodes[0]` is unused.
    nodes: Vec<u64>,
}

impl WinnerTree {
    /// A tree whose `keys[c]` is client `c`'s first key. Keys must be below `u64::MAX`.
    pub fn new(keys: &[u64]) -> Self {
        let leaves = keys.len().next_power_of_two();
        let mut nodes = vec![IDLE; 2 * leaves];
        nodes[leaves..leaves + keys.len()].copy_from_slice(keys);
        for i in (1..leaves).rev() {
            nodes[i] = nodes[2 * i].min(nodes[2 * i + 1]);
        }
        Self { leaves, nodes }
    }

    /// The smallest pending key, if any client has one.
    pub fn min(&self) -> Option<u64> {
        let root = self.nodes[1];
        (root != IDLE).then_some(root)
    }

    /// Gives `client` the pending key `key`, or none.
    pub fn set(&mut self, client: usize, key: Option<u64>) {
        let mut i = self.leaves + client;
        let mut winner = key.unwrap_or(IDLE);
        self.nodes[i] = winner;
        // The winner so far stays in a register: reading back the node just stored would
        // make every level wait for the store before it.
        while i > 1 {
            winner = winner.min(self.nodes[i ^ 1]);
            i /= 2;
            self.nodes[i] = winner;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pops_in_key_order_like_a_sorted_list() {
        let mut keys: Vec<u64> = (0..37u64).map(|c| (c * 7919) % 101).collect();
        let mut tree = WinnerTree::new(&keys);
        let mut popped = Vec::new();
        while let Some(min) = tree.min() {
            popped.push(min);
            let client = keys.iter().position(|&k| k == min).unwrap();
            keys[client] = IDLE;
            tree.set(client, None);
        }
        let mut sorted: Vec<u64> = (0..37u64).map(|c| (c * 7919) % 101).collect();
        sorted.sort_unstable();
        assert_eq!(popped, sorted);
    }

    #[test]
    fn a_replaced_key_takes_its_new_place() {
        let mut tree = WinnerTree::new(&[5, 9, 7]);
        assert_eq!(tree.min(), Some(5));
        tree.set(0, Some(8));
        assert_eq!(tree.min(), Some(7));
        tree.set(2, None);
        assert_eq!(tree.min(), Some(8));
        tree.set(0, None);
        tree.set(1, None);
        assert_eq!(tree.min(), None);
    }

    #[test]
    fn a_single_client_works() {
        let mut tree = WinnerTree::new(&[3]);
        assert_eq!(tree.min(), Some(3));
        tree.set(0, None);
        assert_eq!(tree.min(), None);
    }
}
