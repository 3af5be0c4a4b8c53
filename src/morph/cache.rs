//! What a stage derives from a dictionary word alone, kept per worker.

/// Values a stage derives from a known word alone (its term class, its lexicon key, its
/// claim rules, its counted id), kept by a worker under the word's feature-cache slot
/// ([`crate::morph::tokenize::FeatureCache::slot`]), so that each is derived once per
/// worker instead of once per token. `T::default()` means "not derived yet"; an unknown
/// word's analysis depends on its surface, so stages never cache it.
#[derive(Debug, Clone, Default)]
pub(crate) struct SlotCache<T> {
    values: Vec<T>,
}

impl<T: Copy + Default> SlotCache<T> {
    /// The value kept for `slot` (the default until a stage sets it).
    #[inline]
    pub(crate) fn entry(&mut self, slot: u32) -> &mut T {
        let i = slot as usize;
        if self.values.len() <= i {
            self.grow(i);
        }
        &mut self.values[i]
    }

    /// Forget every value (the slots they were kept under are no longer valid).
    pub(crate) fn clear(&mut self) {
        self.values.clear();
    }

    #[cold]
    fn grow(&mut self, i: usize) {
        self.values.resize(i + 1, T::default());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_start_at_the_default_and_keep_what_is_set() {
        let mut cache: SlotCache<u8> = SlotCache::default();
        assert_eq!(*cache.entry(5), 0);
        *cache.entry(5) = 7;
        *cache.entry(2) = 3;
        assert_eq!(
            (*cache.entry(5), *cache.entry(2), *cache.entry(9)),
            (7, 3, 0)
        );
        cache.clear();
        assert_eq!(*cache.entry(5), 0);
    }
}
