;; The histogram loop of the tree learner (src/ml/histogram.ts), by hand, with SIMD.
;;
;; histogram(hist, rows, start, end, grad, hess, codes, nFeatures) adds rows[start, end) to the
;; histogram at `hist`. All arguments are byte addresses in the imported memory, except start, end
;; (indexes into rows) and nFeatures:
;;   rows:  u32 row numbers;
;;   grad, hess: f64 per row;
;;   codes: u8 bin codes, row-major (codes[i * nFeatures + f]);
;;   hist:  f64 per feature f and code c at (f * 256 + c) * 3: the sum of gradients, the sum of
;;          hessians and the row count (the layout of the JavaScript kernel).
;; For each row in order and each feature in order, (gradient, hessian) is added to the bin's first
;; two entries with one f64x2.add and 1 to its count: the same IEEE double additions, in the same
;; order, as the JavaScript loop, so the sums are bit-identical.
;; Assembled by bench/build-wasm.ts into histogram-wasm.ts (base64); a test checks they match.
(module
  (import "env" "memory" (memory 1 65536 shared))

  (func (export "histogram")
    (param $hist i32) (param $rows i32) (param $start i32) (param $end i32)
    (param $grad i32) (param $hess i32) (param $codes i32) (param $nf i32)
    (local $k i32) (local $kEnd i32) (local $i i32) (local $gh v128)
    (local $p i32) (local $pEnd4 i32) (local $pEnd i32) (local $off i32) (local $b i32)
    (local.set $k (i32.add (local.get $rows) (i32.shl (local.get $start) (i32.const 2))))
    (local.set $kEnd (i32.add (local.get $rows) (i32.shl (local.get $end) (i32.const 2))))
    (if (i32.ge_u (local.get $k) (local.get $kEnd)) (then (return)))
    (loop $row
      (local.set $i (i32.load (local.get $k)))
      ;; (gradient, hessian) of row i
      (local.set $gh
        (v128.load64_lane 1
          (i32.add (local.get $hess) (i32.shl (local.get $i) (i32.const 3)))
          (v128.load64_zero (i32.add (local.get $grad) (i32.shl (local.get $i) (i32.const 3))))))
      (local.set $p (i32.add (local.get $codes) (i32.mul (local.get $i) (local.get $nf))))
      (local.set $pEnd (i32.add (local.get $p) (local.get $nf)))
      (local.set $pEnd4 (i32.add (local.get $p) (i32.and (local.get $nf) (i32.const -4))))
      (local.set $off (local.get $hist))
      ;; four features at a time (feature f + j at hist offset j * 6144 bytes)
      (block $done4
        (loop $four
          (br_if $done4 (i32.ge_u (local.get $p) (local.get $pEnd4)))
          (local.set $b (i32.add (local.get $off) (i32.mul (i32.load8_u offset=0 (local.get $p)) (i32.const 24))))
          (v128.store offset=0 (local.get $b) (f64x2.add (v128.load offset=0 (local.get $b)) (local.get $gh)))
          (f64.store offset=16 (local.get $b) (f64.add (f64.load offset=16 (local.get $b)) (f64.const 1)))
          (local.set $b (i32.add (local.get $off) (i32.mul (i32.load8_u offset=1 (local.get $p)) (i32.const 24))))
          (v128.store offset=6144 (local.get $b) (f64x2.add (v128.load offset=6144 (local.get $b)) (local.get $gh)))
          (f64.store offset=6160 (local.get $b) (f64.add (f64.load offset=6160 (local.get $b)) (f64.const 1)))
          (local.set $b (i32.add (local.get $off) (i32.mul (i32.load8_u offset=2 (local.get $p)) (i32.const 24))))
          (v128.store offset=12288 (local.get $b) (f64x2.add (v128.load offset=12288 (local.get $b)) (local.get $gh)))
          (f64.store offset=12304 (local.get $b) (f64.add (f64.load offset=12304 (local.get $b)) (f64.const 1)))
          (local.set $b (i32.add (local.get $off) (i32.mul (i32.load8_u offset=3 (local.get $p)) (i32.const 24))))
          (v128.store offset=18432 (local.get $b) (f64x2.add (v128.load offset=18432 (local.get $b)) (local.get $gh)))
          (f64.store offset=18448 (local.get $b) (f64.add (f64.load offset=18448 (local.get $b)) (f64.const 1)))
          (local.set $p (i32.add (local.get $p) (i32.const 4)))
          (local.set $off (i32.add (local.get $off) (i32.const 24576)))
          (br $four)))
      ;; the remaining features, one at a time
      (block $done
        (loop $one
          (br_if $done (i32.ge_u (local.get $p) (local.get $pEnd)))
          (local.set $b (i32.add (local.get $off) (i32.mul (i32.load8_u (local.get $p)) (i32.const 24))))
          (v128.store (local.get $b) (f64x2.add (v128.load (local.get $b)) (local.get $gh)))
          (f64.store offset=16 (local.get $b) (f64.add (f64.load offset=16 (local.get $b)) (f64.const 1)))
          (local.set $p (i32.add (local.get $p) (i32.const 1)))
          (local.set $off (i32.add (local.get $off) (i32.const 6144)))
          (br $one)))
      (local.set $k (i32.add (local.get $k) (i32.const 4)))
      (br_if $row (i32.lt_u (local.get $k) (local.get $kEnd))))))
