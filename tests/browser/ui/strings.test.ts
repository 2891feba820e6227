import { expect } from '@esm-bundle/chai';
import { en, ja, stringsFor } from '../../../widget/ui/strings.js';

describe('stringsFor', () => {
  it('picks Japanese for a regional tag and English for anything unknown', () => {
    expect([stringsFor('ja-JP'), stringsFor('fr'), stringsFor(undefined)]).to.deep.equal([ja, en, en]);
  });

  it('falls back to English for tags that name Object.prototype members', () => {
    for (const tag of ['constructor', '__proto__', 'toString', 'hasOwnProperty-x']) expect(stringsFor(tag)).to.equal(en);
  });
});
