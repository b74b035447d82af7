import json, unicodedata, sys
def load(path):
    d = json.load(open(path)); return d['model']['vocab']
def is_punct(ch):
    cp = ord(ch)
    if (33 <= cp <= 47) or (58 <= cp <= 64) or (91 <= cp <= 96) or (123 <= cp <= 126): return True
    return unicodedata.category(ch).startswith('P')
def basic(text):
    text = ''.join(' ' if ch in '\t\n\r' or unicodedata.category(ch)=='Zs' else ch for ch in text if not (ord(ch)==0 or ord(ch)==0xfffd or (unicodedata.category(ch) in ('Cc','Cf') and ch not in '\t\n\r')))
    text = text.lower()
    text = unicodedata.normalize('NFD', text); text = ''.join(c for c in text if unicodedata.category(c) != 'Mn')
    out = []
    for w in text.split():
        cur = ''
        for ch in w:
            if is_punct(ch):
                if cur: out.append(cur); cur = ''
                out.append(ch)
            else: cur += ch
        if cur: out.append(cur)
    return out
def wordpiece(words, vocab):
    ids = []
    for w in words:
        if len(w) > 100: ids.append(vocab['[UNK]']); continue
        start = 0; sub = []; bad = False
        while start < len(w):
            end = len(w); found = None
            while start < end:
                s = w[start:end]
                if start > 0: s = '##' + s
                if s in vocab: found = s; break
                end -= 1
            if found is None: bad = True; break
            sub.append(vocab[found]); start = end
        ids += [vocab['[UNK]']] if bad else sub
    return ids
if __name__ == '__main__':
    vocab = load(sys.argv[1]); sents = json.load(open(sys.argv[2]))
    print(json.dumps([[101] + wordpiece(basic(s), vocab) + [102] for s in sents]))
